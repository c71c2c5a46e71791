// `sockconf lint`: every file checked against its JSON Schema (specs/schemas/,
// json_schema.hpp), then by its loader for what a schema cannot say (clause ids
// exist, names are declared, variables are known). Every error of a file is
// reported, not only the first: all schema errors, and the loader's first error
// of each case (or file) the schema found no fault in.
#pragma once

#include <sockconf/common/spec_error.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace sockconf::harness {

struct lint_options {
    std::string home;               ///< the tree: specs/, suites/
    std::string profile_file;       ///< the active profile
    std::string settings_file;      ///< the harness settings (specs/settings.json or --settings)
    /// Files or folders to check instead of HOME/suites: case files, and named files
    /// that say "format": "sockconf-expectations" or "sockconf-report" (those are
    /// checked as what they say they are).
    std::vector<std::string> files;
};

struct lint_result {
    std::vector<spec_error> errors;
    std::size_t cases = 0;   ///< valid cases loaded
    std::size_t clauses = 0; ///< clauses in the catalog
    std::string profile_id;  ///< the active profile's id ("" when it did not load)
};

/// Checks the specs (clauses, api.json, invariants.json), every profile of
/// HOME/specs/profiles and the active one, the expectations files of
/// HOME/reports/platforms/, and the case files (`files`, else HOME/suites).
lint_result lint(lint_options const& o);

} // namespace sockconf::harness
