#include "case_state.hpp"

#include <algorithm>

namespace sockconf::harness::detail {

bool case_state::has_capability(std::string const& cap) const
{
    auto const caps = env.iut_hello.value("capabilities", json::array());
    return std::find(caps.begin(), caps.end(), cap) != caps.end();
}

reports::check_result& case_state::add_check(reports::check_kind kind, std::string const& pointer, std::string title,
                                             std::vector<std::string> const& own)
{
    reports::check_result k;
    k.kind = kind;
    k.where = c.where(pointer);
    k.title = std::move(title);
    k.clauses = c.clauses_of(own);
    k.counts = true; // a step's, expectation's or outcome's clauses are the case's own
    checks.push_back(std::move(k));
    return checks.back();
}

void case_state::fail(reports::check_result& k, std::string expected, std::string actual, std::string subject,
                      std::string expected_norm, std::string observed_norm, std::vector<std::size_t> seqs) const
{
    k.result = reports::check_status::fail;
    k.expected = std::move(expected);
    k.actual = std::move(actual);
    k.subject = std::move(subject);
    // Both sides: an expected value may hold a substituted ${var} (a tag, a port),
    // and the grouping signature must not change from run to run.
    k.expected_norm = vars.normalise(std::move(expected_norm));
    k.observed_norm = vars.normalise(std::move(observed_norm));
    if (!seqs.empty())
        k.seqs = std::move(seqs);
}

void case_state::missing(reports::check_result& k, std::string expected, std::string actual, std::string subject,
                         std::string expected_norm, std::string observed_norm, std::vector<std::size_t> seqs) const
{
    fail(k, std::move(expected), std::move(actual), std::move(subject), std::move(expected_norm), std::move(observed_norm),
         std::move(seqs));
    k.absent = true;
}

void case_state::broke(reports::check_result& k, reports::check_status why, std::string expected, std::string actual) const
{
    k.result = why;
    k.expected = std::move(expected);
    k.actual = std::move(actual);
}

} // namespace sockconf::harness::detail
