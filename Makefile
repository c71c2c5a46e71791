# The two commands of README.md. Each sets up what is missing, builds, then runs.
#   make run   - sockconf run against the built-in reference; report in ./sockconf-report/
#   make test  - every test, through ctest
JOBS ?= $(shell nproc)

.PHONY: all setup configure build run test clean platform-reports

all: build

setup:
	@scripts/setup.sh

build/build.ninja: CMakeLists.txt CMakePresets.json
	cmake --preset default

configure: setup build/build.ninja

build: configure
	cmake --build --preset default -j $(JOBS)
	node adapters/browser/build.mjs

run: build
	build/bin/sockconf run

test: build
	ctest --preset default -j $(JOBS)

# The committed compliance reports of the browser platforms (needs chromium): see scripts/platform-reports.sh.
platform-reports: build
	scripts/platform-reports.sh

clean:
	rm -rf build sockconf-report
