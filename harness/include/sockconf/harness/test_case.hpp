// A loaded, validated case (format: suites/README.md). Steps and expectations
// stay JSON: the case runner interprets them; the loader has already checked
// their shape, targets, names, matchers and variables.
#pragma once

#include <sockconf/common/value.hpp>
#include <sockconf/reports/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sockconf::harness {

struct outcome {
    std::string name;
    reports::status grade = reports::status::pass; ///< PASS, NON-STRICT or INFORMATIONAL
    json expect = json::array();
    std::string pointer; ///< JSON pointer of the outcome in its file
};

struct test_case {
    std::string id;
    std::string title;
    std::string suite;   ///< folder under suites/
    std::string file;
    std::string pointer; ///< of the case in its file: "" or "/cases/N"
    std::vector<std::string> clauses;
    std::vector<std::string> requires_caps;
    /// The case's own "tags" (words for `sockconf run --tag`); see tags_of().
    std::vector<std::string> tags;
    std::optional<std::int64_t> timeout_ms;
    /// Pattern over the active profile (dotted paths into the profile file):
    /// the case applies only where it matches; elsewhere it is SKIP.
    json when = json::object();
    /// Needs long real waits (e.g. a 60 s default timeout): runs only when the
    /// run asks for slow cases (`sockconf run --slow`), else SKIP...
    bool slow = false;
    /// ...unless the IUT has this capability (e.g. "virtual-clock": it can jump
    /// past a 5-minute window instead of waiting for it).
    std::string slow_unless;
    /// Needs an IUT instance no earlier case touched (global state matters, as
    /// for the connection and creation limits); drivers that pool instances
    /// start a new one.
    bool fresh = false;
    json steps = json::array();
    json expect = json::array();
    std::vector<outcome> outcomes;

    /// "<file>#<pointer>" for messages.
    std::string where(std::string const& sub_pointer) const;
};

} // namespace sockconf::harness
