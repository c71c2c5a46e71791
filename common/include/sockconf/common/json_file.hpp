// Reading JSON files with errors that say where.
#pragma once

#include <sockconf/common/value.hpp>

#include <functional>
#include <ostream>
#include <string>

namespace sockconf {

/// Parse the file at `path`. Throws spec_error "E-FILE-READ" when it cannot be
/// read and "E-JSON-SYNTAX" (with line and column) when it is not JSON.
json read_json_file(std::string const& path);

/// Parse `text`, the content of the file `source` names: "E-JSON-SYNTAX" (with
/// line and column where known) when it is not JSON, a number out of range
/// included. What read_json_file does once it has
/// the bytes (and what fuzz/ feeds).
json parse_json_text(std::string const& text, std::string const& source);

/// Write `doc` (2-space indent, UTF-8, invalid UTF-8 replaced) to `path`, via a
/// temporary file renamed into place. Throws std::runtime_error naming the path.
void write_json_file(std::string const& path, json const& doc);

/// Write what `fill` writes to `path` through "<path>.tmp", renamed into place:
/// an interrupted write never leaves half a file. Throws std::runtime_error
/// naming the path.
void write_file_atomically(std::string const& path, std::function<void(std::ostream&)> const& fill);

} // namespace sockconf
