// What the subcommands of `sockconf` share: where the project tree is, its specs
// and cases loaded, the options every subcommand that reads cases takes, and
// output to a file or stdout.
#pragma once

#include <sockconf/common/exit_code.hpp>
#include <sockconf/common/profile.hpp>
#include <sockconf/common/spec_error.hpp>
#include <sockconf/harness/api_catalog.hpp>
#include <sockconf/harness/clause_catalog.hpp>
#include <sockconf/harness/driver_factory.hpp>
#include <sockconf/harness/invariants.hpp>
#include <sockconf/harness/loader.hpp>
#include <sockconf/harness/settings.hpp>

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sockconf::cli {

/// Where specs/ and suites/ are: `flag` (--home), $SOCKCONF_HOME, the current
/// directory if it holds them, the data installed beside the program (installed_home),
/// else the source tree sockconf was built from. README.md, "Where sockconf finds its data".
std::string find_home(std::string const& flag);

/// The data of an installed sockconf whose program is `exe`: EXE/../../share/sockconf
/// (/usr/bin/sockconf -> /usr/share/sockconf) when it holds specs/api.json, else "".
std::string installed_home(std::filesystem::path const& exe);

/// A profile id is HOME/specs/profiles/ID.json; a path (a '/' or ".json") is itself.
std::string profile_path(std::string const& home, std::string const& name);

/// The normative side of a run: API surface, clauses (levels under the profile), invariants,
/// profile; and the harness settings (how long it waits: specs/settings.json or --settings).
struct specs {
    harness::api_catalog api;
    harness::clause_catalog clauses;
    harness::invariant_catalog invariants;
    profile prof;
    harness::harness_settings settings;
};

/// Throws spec_error on the first bad file.
specs load_specs(std::string const& home, std::string const& profile_name, std::string const& settings_file);

/// The cases of `paths` (default HOME/suites); errors are collected, not thrown.
harness::load_result load_cases(std::string const& home, specs const& s, std::vector<std::string> paths);

/// Each error on stderr; exit_code::usage when there is any.
exit_code print_errors(std::vector<spec_error> const& errors);

/// The profile of a command not told one, and of a run or bench of an IUT that names none.
inline constexpr char const* default_profile = "wechat";

/// The profile a run or bench of `iut` grades against: `given` when --profile was on the
/// command line; else, with --iut-page, the profile its platform folder's platform.json names
/// ("note: profile P, from FILE" on stderr); else default_profile. Throws spec_error for
/// a platform.json that cannot be read.
std::string choose_profile(std::string const& home, std::string const& given, bool profile_given,
                           harness::iut_options const& iut);

/// --home, --profile, --suites, --settings and (optionally) --filter.
struct common_opts {
    std::string home, profile = default_profile, filter, settings;
    bool profile_given = false; ///< --profile was on the command line (else: choose_profile)
    std::vector<std::string> suites;
};

void add_common(CLI::App* cmd, common_opts& o, bool with_filter = true);

/// --iut, --iut-page, --browser, --pages: the IUT of run and bench (harness/driver_factory.hpp).
void add_iut_options(CLI::App* cmd, harness::iut_options& iut);

/// Write with `fill` to `path` (atomically, "wrote PATH" on stderr), or to stdout when it is "" or "-".
void write_out(std::string const& path, std::function<void(std::ostream&)> const& fill);

} // namespace sockconf::cli
