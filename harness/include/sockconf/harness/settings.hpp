// The harness's own settings: how long it waits, not what a platform does. They
// live in one file, specs/settings.json of the home (`--settings FILE` replaces
// it), apart from the profiles, which hold platform facts only: a profile that
// still names one of these is an error (E-PROFILE-HARNESS-TIMING), so that nobody
// believes a profile sets a timing the harness ignores. Like a profile, nothing
// here has a default in code: every field comes from the file, and a missing or
// mistyped field is a spec_error naming it (format: specs/README.md).
#pragma once

#include <sockconf/common/value.hpp>

#include <cstdint>
#include <string>

namespace sockconf::harness {

struct harness_settings {
    std::int64_t case_timeout_ms = 0; ///< a whole case, unless it says otherwise
    std::int64_t wait_timeout_ms = 0; ///< one wait (and one command to the IUT, and an adapter's hello)
    std::int64_t settle_ms = 0;       ///< quiet time after the last step, before the checks
    /// The longest message an adapter may send (a stdout line, a control frame): a
    /// longer one ends the case as ERROR (E-ADAPTER-TOO-LONG), and the harness never
    /// holds more than this of it.
    std::int64_t adapter_message_max_bytes = 0;
    /// Events and logs an IUT instance may send during one case: one more ends the case
    /// as ERROR (E-ADAPTER-FLOOD), and the rest are dropped unread.
    std::int64_t adapter_case_events_max = 0;

    /// Parse and validate. `source` names the file in errors. Throws spec_error.
    static harness_settings from_json(json const& doc, std::string const& source);
    /// Read, parse and validate a settings file. Throws spec_error.
    static harness_settings load(std::string const& path);
};

/// The settings file a command reads: `flag` (--settings) when given, else
/// HOME/specs/settings.json.
std::string settings_path(std::string const& home, std::string const& flag);

} // namespace sockconf::harness
