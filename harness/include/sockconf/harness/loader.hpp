// Loading and validating suites: every error names file, JSON pointer, what was
// expected and what was found, with a stable id. `sockconf lint` prints them.
#pragma once

#include <sockconf/common/spec_error.hpp>
#include <sockconf/harness/api_catalog.hpp>
#include <sockconf/harness/clause_catalog.hpp>
#include <sockconf/harness/json_schema.hpp>
#include <sockconf/harness/test_case.hpp>

#include <string>
#include <vector>

namespace sockconf::harness {

struct load_result {
    std::vector<test_case> cases; ///< the valid ones, sorted by id
    std::vector<spec_error> errors;
};

/// Load case files. `paths` are files or directories (searched recursively for
/// *.json). A file with errors contributes its errors and no cases; the other
/// files still load. Each case of a file is parsed on its own, so a file reports
/// the first error of every bad case. Duplicate ids are errors.
/// `suites_root`, when not empty, is the folder whose sub-folders name suites.
/// `schema` (specs/schemas/case.schema.json, `sockconf lint`): each file is first
/// checked against it and every schema error is reported; a case with one is not
/// parsed (its structure is already reported), the others are.
load_result load_suites(std::vector<std::string> const& paths, api_catalog const& api,
                        clause_catalog const& clauses, std::string const& suites_root = {},
                        json_schema const* schema = nullptr);

/// Validate and load one case document (a case object) found at `pointer` in `file`.
/// Throws spec_error.
test_case parse_case(json const& doc, std::string const& file, std::string const& pointer,
                     api_catalog const& api, clause_catalog const& clauses);

/// Variables a case may use, besides profile.* (see suites/README.md).
bool known_variable(std::string const& name);

} // namespace sockconf::harness
