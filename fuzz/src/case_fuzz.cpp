// Case files (suites/*.json): parse_json_text, then what load_suites does with a
// file's document (detail::load_case_document: parse_case on each case), once
// as `sockconf run` loads (no schema) and once as `sockconf lint` does (the case
// schema first). Bad input is spec_errors collected in the result; anything
// thrown or any sanitizer report is a finding.
#include "fuzz_input.hpp"

#include "detail/case_file.hpp"

#include <sockconf/common/json_file.hpp>
#include <sockconf/harness/api_catalog.hpp>
#include <sockconf/harness/clause_catalog.hpp>
#include <sockconf/harness/json_schema.hpp>

namespace {

struct specs {
    sockconf::harness::clause_catalog clauses;
    sockconf::harness::api_catalog api;
    sockconf::harness::json_schema schema;
};

specs const& tree_specs()
{
    static specs const s = [] {
        auto const home = sockconf::fuzz::source_dir();
        auto clauses = sockconf::harness::clause_catalog::load_dir(home + "/specs/clauses");
        auto api = sockconf::harness::api_catalog::load(
            home + "/specs/api.json", [&](std::string const& id) { return clauses.find(id) != nullptr; });
        auto schema = sockconf::harness::json_schema::load(home + "/specs/schemas/case.schema.json");
        return specs{std::move(clauses), std::move(api), std::move(schema)};
    }();
    return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    auto const& s = tree_specs();
    sockconf::json doc;
    try {
        doc = sockconf::parse_json_text(sockconf::fuzz::text_of(data, size), "fuzz.json");
    } catch (sockconf::spec_error const&) {
        return 0; // E-JSON-SYNTAX: documented
    }
    sockconf::harness::detail::load_case_document(doc, "fuzz.json", s.api, s.clauses, nullptr);
    sockconf::harness::detail::load_case_document(doc, "fuzz.json", s.api, s.clauses, &s.schema);
    return 0;
}
