// Matchers and patterns of the case format (suites/README.md, "Patterns and
// matchers"). Values are in memory (ArrayBuffer = JSON binary); expected values
// in a case are in wire form and are compared as the same bytes.
#pragma once

#include <sockconf/common/json_reader.hpp>
#include <sockconf/common/value.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sockconf::harness {

/// Throws spec_error (E-MATCHER) when `m` is not a valid matcher.
void validate_matcher(json_reader const& m);
/// Throws spec_error (E-PATTERN) unless `p` is an object of path -> matcher.
void validate_pattern(json_reader const& p);

/// nullopt when `value` (absent when nullptr) satisfies matcher `m`; else why not.
std::optional<std::string> check_matcher(json const& m, json const* value);
/// nullopt when every path of pattern `p` satisfies its matcher; else the first reason.
std::optional<std::string> check_pattern(json const& p, json const& value);

/// The value at a dotted path ("header.upgrade", "messages.0.head"), or nullptr.
json const* lookup(json const& value, std::string_view path);

} // namespace sockconf::harness
