#!/usr/bin/env bash
# ctests package_cmake_build and package_cmake (packaging/README.md): the CMake package as a
# native runtime's build uses it. --phase build (package_cmake_build, the fixture): steps 1-2;
# --phase check (package_cmake, which holds the suites' port lock only for this part): 3-4.
#   1. cmake --install of this build into a temporary prefix (BUILD/package-cmake-test/prefix) (every component), whose
#      headers, libraries and config files are checked (public headers only, a version file);
#   2. examples/native-runtime configured against that prefix only (CMAKE_PREFIX_PATH, a build
#      folder of its own in the temporary folder) and built;
#   3. its program run: every suite, in process, against "my runtime" (the reference behind the
#      example's own driver_factory), from the installed share/sockconf; it must run cases,
#      pass them and write a report.
# Also: find_package(sockconf 99.0) must be refused by the version file.
# Everything is printed and kept in --log (the build phase starts it, the check phase adds to
# it). Exit 0 pass, 1 fail.
#
#   cmake_package_test.sh --phase build|check --build-dir DIR --source-dir DIR --version X.Y.Z --log FILE
#                         [--compiler CXX] [--launcher CCACHE]
set -uo pipefail

phase="" build="" src="" version="" log="" compiler="" launcher=""
while [ $# -gt 0 ]; do
  case "$1" in
    --phase) phase="$2"; shift 2 ;;
    --build-dir) build="$2"; shift 2 ;;
    --source-dir) src="$2"; shift 2 ;;
    --version) version="$2"; shift 2 ;;
    --log) log="$2"; shift 2 ;;
    --compiler) compiler="$2"; shift 2 ;;
    --launcher) launcher="$2"; shift 2 ;;
    *) echo "cmake_package_test.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ $phase =~ ^(build|check)$ ]] && [ -n "$build" ] && [ -n "$src" ] && [ -n "$version" ] && [ -n "$log" ] || {
  echo "usage: cmake_package_test.sh --phase build|check --build-dir DIR --source-dir DIR --version X.Y.Z --log FILE" >&2; exit 2; }
if [ "$phase" = build ]; then exec > >(tee "$log") 2>&1; else exec > >(tee -a "$log") 2>&1; fi

fail() { echo "package_cmake: FAIL: $*"; exit 1; }
# A fixed folder of the build tree, emptied before and removed after: the same paths every
# time, so that a compiler cache (--launcher) finds the example's objects again.
tmp="$build/package-cmake-test"
prefix="$tmp/prefix"
cxx=(${launcher:+"-DCMAKE_CXX_COMPILER_LAUNCHER=$launcher"} ${compiler:+"-DCMAKE_CXX_COMPILER=$compiler"})

install_and_build() {
  rm -rf "$tmp" && mkdir -p "$tmp" || fail "cannot make $tmp"

  echo "== 1. cmake --install $build --prefix $prefix"
  timeout 120 cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1 ||
    { tail -20 "$tmp/install.log"; fail "cmake --install failed"; }
  echo "installed $(grep -c '^-- Installing' "$tmp/install.log") files"
  config_dir=$(dirname "$(find "$prefix" -name sockconfConfig.cmake | head -1)")
  [ -f "$config_dir/sockconfConfig.cmake" ] || fail "no sockconfConfig.cmake under $prefix"
  for f in sockconfConfigVersion.cmake sockconfTargets.cmake; do
    [ -f "$config_dir/$f" ] || fail "no $f beside sockconfConfig.cmake"
  done
  echo "config: ${config_dir#"$prefix"/}: $(cd "$config_dir" && ls | tr '\n' ' ')"
  for t in reference echo_servers harness reports common; do
    grep -q "add_library(sockconf::$t " "$config_dir/sockconfTargets.cmake" || fail "sockconf::$t is not exported"
  done
  echo "libraries: $(cd "$prefix" && find lib* -name 'libsockconf_*.a' | sort | tr '\n' ' ')"
  for h in harness/driver.hpp harness/driver_factory.hpp harness/run.hpp ref/runtime.hpp ref/binding.hpp \
           echo/servers.hpp reports/report_dir.hpp common/profile.hpp common/version.hpp; do
    [ -f "$prefix/include/sockconf/$h" ] || fail "public header include/sockconf/$h is not installed"
  done
  # Public headers only: no source folder's files, no .in templates, no headers of parts not exported.
  stray=$(cd "$prefix/include" && find . -type f ! -name '*.hpp' -o -type d \( -name detail -o -name src -o -name cli -o -name bench \))
  [ -z "$stray" ] || fail "not public headers under include/: $stray"
  echo "headers: $(find "$prefix/include" -name '*.hpp' | wc -l) public headers under include/sockconf/{$(ls "$prefix/include/sockconf" | tr '\n' ',' | sed 's/,$//')}"
  [ -d "$prefix/share/sockconf/suites" ] || fail "no share/sockconf/suites installed"

  echo "== 2. examples/native-runtime against $prefix"
  t0=$(date +%s)
  timeout 120 cmake -S "$src/examples/native-runtime" -B "$tmp/example" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_PREFIX_PATH="$prefix" "${cxx[@]}" > "$tmp/configure.log" 2>&1 ||
    { cat "$tmp/configure.log"; fail "configuring examples/native-runtime against the installed package failed"; }
  grep -E "^-- sockconf " "$tmp/configure.log"
  grep -q "from $config_dir" "$tmp/configure.log" || fail "find_package(sockconf) did not use the temporary prefix"
  grep -q "data in $prefix/share/sockconf\$" "$tmp/configure.log" || fail "sockconf_DATA_DIR is not $prefix/share/sockconf"
  timeout 200 cmake --build "$tmp/example" > "$tmp/build.log" 2>&1 ||
    { tail -40 "$tmp/build.log"; fail "building examples/native-runtime failed"; }
  echo "configured and built in $(( $(date +%s) - t0 )) s"
  # The example's headers come from the prefix (and the system), never from sockconf's tree.
  includes=$(grep -oE -- "(-I|-isystem )[^ ]+" "$tmp/example/build.ninja" | sed -E 's/^(-I|-isystem )//' | sort -u)
  echo "include folders: $(echo $includes)"
  for dir in $includes; do
    case "$dir" in "$prefix"/*|/usr/*) ;; *) fail "the example's build uses the include folder $dir, outside the prefix" ;; esac
  done
}

run_and_check() {
  [ -x "$tmp/example/native-runtime-suites" ] || fail "no example built in $tmp: ctest runs package_cmake_build first (ctest -R package_cmake)"
  trap 'rm -rf "$tmp"' EXIT
  echo "== 3. the suites in process against the example's runtime"
  cd "$tmp" || exit 1
  t0=$(date +%s)
  timeout 150 "$tmp/example/native-runtime-suites" --report-dir "$tmp/report" > "$tmp/run.log" 2>&1; rc=$?
  head -1 "$tmp/run.log"
  grep -E "^(wrote|cases:) " "$tmp/run.log"
  echo "exit $rc in $(( $(date +%s) - t0 )) s"
  [ $rc -eq 0 ] || { grep -vE "^\[[0-9]+/[0-9]+\] (PASS|SKIP|NON-STRICT|INFORMATIONAL) " "$tmp/run.log" | tail -30; fail "native-runtime-suites exited $rc"; }
  summary=$(grep '^cases: ' "$tmp/run.log")
  cases=$(sed -E 's/^cases: ([0-9]+),.*/\1/' <<<"$summary")
  passed=$(sed -E 's/.*PASS: ([0-9]+),.*/\1/' <<<"$summary")
  [ "${cases:-0}" -gt 100 ] || fail "only ${cases:-0} cases ran"
  [ "${passed:-0}" -gt 0 ] || fail "no case passed"
  grep -q '"host": *"native"' "$tmp/report/report.json" || fail "report.json does not name the example's runtime"
  grep -q 'my-runtime' "$tmp/report/report.json" || fail "report.json does not name the example's runtime"

  echo "== 4. the version file"
  mkdir -p "$tmp/too-new"
  cat > "$tmp/too-new/CMakeLists.txt" <<'EOF'
  cmake_minimum_required(VERSION 3.25)
  project(too_new LANGUAGES CXX)
  find_package(sockconf 99.0 CONFIG QUIET)
  if(sockconf_FOUND)
    message(FATAL_ERROR "sockconf 99.0 was accepted")
  endif()
  find_package(sockconf CONFIG REQUIRED)
  message(STATUS "refused 99.0; found ${sockconf_VERSION}")
EOF
  cmake -S "$tmp/too-new" -B "$tmp/too-new/build" -DCMAKE_PREFIX_PATH="$prefix" "${cxx[@]}" > "$tmp/too-new.log" 2>&1 ||
    { cat "$tmp/too-new.log"; fail "the version file accepted sockconf 99.0 or the package was not found"; }
  grep -E "refused 99.0; found $version" "$tmp/too-new.log" || fail "the package's version is not $version"
  echo "package_cmake: ok ($cases cases, $passed PASS, through the example's driver_factory)"
}

if [ "$phase" = build ]; then install_and_build; else run_and_check; fi
