// What every sockconf HTML page shares: the page shell (doctype, a strict
// Content-Security-Policy, one stylesheet, one constant script), status colours,
// and text helpers. Pages are rendered here, in C++, with every string escaped:
// the script only filters and folds what is already in the DOM.
#pragma once

#include <sockconf/reports/result.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace sockconf::reports::detail {

/// Writes a whole page: `title` (escaped here) and `body` (already HTML).
void write_page(std::ostream& out, std::string_view title, std::string_view body);

/// CSS class of a status: "s-pass", "s-non-strict", ...
std::string status_class(status s);

/// At most `max` code points of UTF-8 `text` (never splitting one), with "…"
/// when cut.
std::string utf8_cut(std::string_view text, std::size_t max);

/// A JSON value on one line (wire form as in traces; invalid UTF-8 replaced).
std::string one_line(json const& v);

/// 1234567 -> "1.23M", 12345 -> "12.3k", 12.5 -> "12.5".
std::string short_number(double v);

/// `j[key]`, or null when `j` is not an object or lacks `key` (a const
/// operator[] on a missing key is undefined behaviour).
json const& member(json const& j, char const* key);
/// True when `j[key]` is the boolean true.
bool flag(json const& j, char const* key);

/// `obj[key]` as text: a string as it is, another value as JSON, `fallback`
/// when absent or when `obj` is not an object (a hello is the IUT's to get wrong).
std::string text_field(json const& obj, char const* key, std::string const& fallback);

/// The worse of two statuses: FAIL > TIMEOUT > ERROR > UNIMPLEMENTED >
/// NON-STRICT > INFORMATIONAL > PASS > SKIP (SKIP says nothing).
status worse(status a, status b);

/// The status filter: a checkbox per status with its count (`counts` in the
/// order of `status`), read by the page script.
std::string status_filters(std::vector<std::size_t> const& counts);

} // namespace sockconf::reports::detail
