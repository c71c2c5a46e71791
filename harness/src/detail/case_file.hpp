// One case file's document, validated and parsed: what load_suites does with each
// file once it has read its JSON (and what fuzz/ feeds with bytes). A file holds
// one case object or {"cases": [...]}; each case is parsed on its own, so the
// errors are the first of every bad case (schema errors first, each said once).
#pragma once

#include <sockconf/common/spec_error.hpp>
#include <sockconf/harness/loader.hpp>

#include <string>
#include <vector>

namespace sockconf::harness::detail {

/// The cases of `doc` (the file `file`) and every error found in it. Throws
/// nothing but std::bad_alloc: a spec_error becomes an entry of `errors`.
load_result load_case_document(json const& doc, std::string const& file, api_catalog const& api,
                               clause_catalog const& clauses, json_schema const* schema);

} // namespace sockconf::harness::detail
