// Reading JSON files with errors that say where.
#pragma once

#include <sockconf/common/value.hpp>

#include <string>

namespace sockconf {

/// Parse the file at `path`. Throws spec_error "E-FILE-READ" when it cannot be
/// read and "E-JSON-SYNTAX" (with line and column) when it is not JSON.
json read_json_file(std::string const& path);

} // namespace sockconf
