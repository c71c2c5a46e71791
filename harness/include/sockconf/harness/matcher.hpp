// Matchers and patterns of the case format (suites/README.md, "Patterns and
// matchers"), parsed once into types when a case loads.
//
// Values are in memory (ArrayBuffer = JSON binary); expected values in a case
// are in wire form and are compared as the same bytes. Any expected value may
// hold ${variables}: a check takes the case run's substitution and applies it
// to the matcher's values only, never to its structure.
#pragma once

#include <sockconf/common/json_reader.hpp>
#include <sockconf/common/value.hpp>

#include <functional>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sockconf::harness {

/// Turns a value as written in a case (wire form, maybe with ${variables}) into
/// the in-memory value to compare with. The identity (plus from_wire) when a
/// case run has no variables.
using value_resolver = std::function<json(json const&)>;

/// from_wire, nothing substituted.
json resolve_plain(json const& v);

/// One matcher: a plain value (equals), or an object of the keywords below, all
/// of which must hold.
struct matcher {
    json raw; ///< as written, for messages
    std::optional<json> equals;
    std::optional<json> prefix;   ///< a string (or a "${variable}")
    std::optional<json> contains;
    std::optional<std::string> regex_source;
    std::optional<std::regex> regex;
    std::optional<std::string> type; ///< one of matcher_type_names()
    std::optional<json> byte_length;
    std::optional<bool> present;
    std::optional<std::vector<json>> one_of;
    std::vector<matcher> any_of;
    std::optional<json> min;
    std::optional<json> max;
};

/// Why a value did not satisfy a matcher, in parts a report can group by.
struct mismatch {
    std::string path;     ///< the pattern path ("" for a lone matcher)
    std::string expected; ///< "1000", "type arraybuffer", "a string with prefix \"connectSocket:fail\""
    std::string observed; ///< the value as found ("null", "(absent)", "typedarray {...}")
    /// Set when a value was asked for and one of another JS type was found
    /// ("arraybuffer", "blob"): then the difference is the type, not the bytes;
    /// "present" and "absent" when there was none at all (a header not sent).
    std::string expected_type, observed_type;

    /// "path: expected X, got Y" (without "path: " when there is no path).
    std::string text() const;
    /// expected and observed as grouping keys: "type arraybuffer" and "type blob"
    /// when the types differ (every binary message that arrives as a Blob is one
    /// behaviour, whatever its bytes), "present" and "absent" when nothing was
    /// there, else expected and observed.
    std::string expected_key() const;
    std::string observed_key() const;
};

/// A pattern: dotted path -> matcher, checked in the order written.
struct pattern {
    json raw;
    std::vector<std::pair<std::string, matcher>> entries;
};

/// The names `type` accepts.
std::vector<std::string_view> const& matcher_type_names();

/// Parse and validate. Throws spec_error: E-MATCHER (bad keyword, regex, type),
/// E-TYPE, E-PATTERN (a pattern that is not an object).
matcher parse_matcher(json_reader const& m);
pattern parse_pattern(json_reader const& p);

/// nullopt when `value` (absent when nullptr) satisfies `m`; else why not.
std::optional<mismatch> check_matcher(matcher const& m, json const* value,
                                      value_resolver const& resolve = resolve_plain);
/// nullopt when every path of `p` satisfies its matcher; else the first miss.
std::optional<mismatch> check_pattern(pattern const& p, json const& value,
                                      value_resolver const& resolve = resolve_plain);

/// The value at a dotted path ("header.upgrade", "messages.0.head"), or nullptr.
json const* lookup(json const& value, std::string_view path);

} // namespace sockconf::harness
