# The version of sockconf is written once: project(sockconf VERSION ...) in the top
# CMakeLists.txt, read by the code through the generated sockconf/common/version.hpp.
# Run by ctest (version_single_source) as
#   cmake -DVERSION=<PROJECT_VERSION> -DROOT=<source dir> -P scripts/check-version.cmake
# Fails when package.json has a "version" other than VERSION (npm may need one; it
# must agree), when adapters/package.json (the npm package "sockconf") has none or
# another, or when a C++ source writes the version as a literal again.
cmake_minimum_required(VERSION 3.25)
if(NOT VERSION OR NOT ROOT)
  message(FATAL_ERROR "usage: cmake -DVERSION=X.Y.Z -DROOT=DIR -P check-version.cmake")
endif()

set(problems "")

file(READ "${ROOT}/package.json" package_json)
string(JSON npm_version ERROR_VARIABLE no_version GET "${package_json}" version)
if(NOT no_version AND NOT npm_version STREQUAL VERSION)
  list(APPEND problems "package.json: \"version\" is ${npm_version}, CMake's project() says ${VERSION}")
endif()
# The npm package "sockconf" (adapters/package.json) must have one, and it is sockconf's.
file(READ "${ROOT}/adapters/package.json" package_json)
string(JSON npm_version ERROR_VARIABLE no_version GET "${package_json}" version)
if(no_version)
  list(APPEND problems "adapters/package.json: no \"version\" (the npm package needs CMake's, ${VERSION})")
elseif(NOT npm_version STREQUAL VERSION)
  list(APPEND problems "adapters/package.json: \"version\" is ${npm_version}, CMake's project() says ${VERSION}")
endif()

string(REPLACE "." "\\." version_re "${VERSION}")
set(sources "")
foreach(part common echo-servers reference-impl reports harness bench cli adapters)
  file(GLOB_RECURSE found "${ROOT}/${part}/*.cpp" "${ROOT}/${part}/*.hpp" "${ROOT}/${part}/*.in")
  list(APPEND sources ${found})
endforeach()
list(FILTER sources EXCLUDE REGEX "/node_modules/")
foreach(f IN LISTS sources)
  file(STRINGS "${f}" lines REGEX "[\"/]${version_re}\"")
  if(lines)
    # (a line is a list here: split at its semicolons; name the file and the copy)
    file(RELATIVE_PATH rel "${ROOT}" "${f}")
    string(REGEX MATCH "[^;]*[\"/]${version_re}\"" copy "${lines}")
    list(APPEND problems "${rel}: writes the version as a literal (use sockconf/common/version.hpp): ${copy}")
  endif()
endforeach()

if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "version_single_source:\n  ${text}")
endif()
list(LENGTH sources n)
message(STATUS "version_single_source: ${VERSION} in project() only; package.json and adapters/package.json agree; ${n} C++ files without a copy")
