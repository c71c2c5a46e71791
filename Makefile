# The two commands of README.md. Each sets up what is missing, builds, then runs.
#   make run   - sockconf run against the built-in reference; report in ./sockconf-report/
#   make test  - every test, through ctest
#   make package - build/sockconf_<version>_amd64.deb (CPack; packaging/README.md)
#   make package-chroot-test - that .deb installed by apt on a clean Debian 12 (root, network)
JOBS ?= $(shell nproc)

.PHONY: all setup configure build run test package package-chroot-test clean platform-reports mutants mutants-ci errors-doc fuzz fuzz-ci fuzz-build bench-overhead

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

# The Debian package: the programs and, under /usr/share/sockconf, specs, suites, profiles,
# adapters (the browser bundles `build` made) and the npm packages the JS side needs
# (packaging/CMakeLists.txt). Install it with `apt install ./build/sockconf_*.deb`.
package: build
	cmake --build --preset default --target package

# That .deb on a clean Debian 12: a bookworm root made by mmdebstrap (kept as
# build/package-chroot/bookworm-minbase.tar; CHROOT_FLAGS=--fresh makes it again), `apt-get install
# ./sockconf_*.deb` in it, then sockconf run, serve, bench, --iut (Debian's node) and --iut-page in
# each of CHROOT_BROWSERS, as a user, loopback only (packaging/test/chroot_install_test.sh). Needs
# root and deb.debian.org: not in `make test`. Log: build/package_chroot.log.
CHROOT_BROWSERS ?= firefox chromium
CHROOT_FLAGS ?=
package-chroot-test: package
	packaging/test/chroot_install_test.sh --deb "$$(ls -t build/sockconf_*_amd64.deb | head -1)" \
	  --work build/package-chroot --log build/package_chroot.log --browsers "$(or $(strip $(CHROOT_BROWSERS)),none)" $(CHROOT_FLAGS)

# The mutation check of the suites (scripts/README.md, mutants.sh): each scripts/mutants/*.patch
# breaks the reference in one documented way, and the cases must catch it at the grade its clause's
# level asks for (MUST: FAIL, SHOULD: NON-STRICT). mutants-ci (CI, after `make test`) runs the cases of
# each patch's `# kills:` line; mutants runs every case and checks those lines. Work folder: build/mutants.
mutants-ci: build
	scripts/mutants.sh --quick --build-dir build/mutants

mutants: build
	scripts/mutants.sh --build-dir build/mutants

# The fuzzers of fuzz/ (fuzz/README.md): clang-14's libFuzzer with ASan + UBSan, built in the
# sanitizer tree build/asan (cmake --preset asan, which scripts/sanitize.sh asan builds whole),
# each run FUZZ_SECONDS over a copy of its seed corpus by scripts/fuzz.sh; exits non-zero on any
# finding and keeps its input in build/asan/run/NAME/crashes.
# fuzz-ci: 10 s each. (The corpus and regressions are replayed in `make test`: fuzz_replay_*.)
FUZZ_SECONDS ?= 60
FUZZ_TARGETS = case_fuzz profile_fuzz expectations_fuzz report_fuzz adapter_line_fuzz ws_handshake_fuzz frame_echo_fuzz tcp_control_fuzz

build/asan/build.ninja: CMakeLists.txt CMakePresets.json fuzz/CMakeLists.txt
	cmake --preset asan

fuzz-build: setup build/asan/build.ninja
	cmake --build --preset asan -j $(JOBS) --target $(FUZZ_TARGETS)

fuzz: fuzz-build
	scripts/fuzz.sh --seconds $(FUZZ_SECONDS)

fuzz-ci: fuzz-build
	scripts/fuzz.sh --seconds 10

# The committed compliance reports of the browser platforms (needs chromium): see scripts/platform-reports.sh.
platform-reports: build
	scripts/platform-reports.sh

# What running the IUT's bench loop through sockconf costs: the host loop through `sockconf bench`
# against the same loop standalone in the same runtime (Node, then Chromium), medians of 3; fails
# below 0.9x (bench/iut_overhead.mjs; --runtime firefox by hand).
bench-overhead: build
	node bench/iut_overhead.mjs --runtime node
	node bench/iut_overhead.mjs --runtime chromium

# docs/errors.md from the error catalog (common/include/sockconf/common/error_catalog.hpp); ctest
# error_catalog_doc fails until the committed page is what this writes.
errors-doc: build/build.ninja
	cmake --build --preset default --target sockconf-errors-md
	build/bin/sockconf-errors-md > docs/errors.md.tmp && mv docs/errors.md.tmp docs/errors.md

clean:
	rm -rf build sockconf-report
