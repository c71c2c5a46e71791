#include <sockconf/harness/grading.hpp>

#include <algorithm>

namespace sockconf::harness {

namespace {

using reports::check_kind;
using reports::check_result;
using reports::check_status;
using reports::status;

/// Worse-is-higher rank among the grades a judged case can get.
int rank(status s)
{
    switch (s) {
    case status::fail: return 3;
    case status::non_strict: return 2;
    case status::informational: return 1;
    default: return 0;
    }
}

/// The pointer of a check inside its case, for messages ("/steps/4/wait").
std::string pointer_in_case(test_case const& c, std::string const& where)
{
    auto const hash = where.find('#');
    auto ptr = hash == std::string::npos ? where : where.substr(hash + 1);
    if (ptr.rfind(c.pointer, 0) == 0)
        ptr = ptr.substr(c.pointer.size());
    return ptr;
}

graded from_check(test_case const& c, check_result const& k, status st)
{
    graded g;
    g.result = st;
    if (k.kind == check_kind::invariant) {
        g.message = "invariant " + k.where + ": " + k.actual;
        g.failed = reports::failure{c.where("") + " (invariant " + k.where + ")", k.expected, k.actual};
        return g;
    }
    auto const ptr = pointer_in_case(c, k.where);
    if (k.result == check_status::error || k.result == check_status::timeout) {
        g.message = k.actual;
        if (!k.expected.empty())
            g.failed = reports::failure{k.where, k.expected, k.actual};
        return g;
    }
    if (k.kind == check_kind::outcome) {
        g.message = "no allowed outcome held: " + k.actual;
        g.failed = reports::failure{k.where, k.expected, k.actual};
        return g;
    }
    g.message = ptr + ": expected " + k.expected + "; got " + k.actual;
    g.failed = reports::failure{k.where, k.expected, k.actual};
    return g;
}

} // namespace

status status_for_clauses(std::vector<std::string> const& ids, clause_catalog const& clauses)
{
    bool should = false, info = false;
    for (auto const& id : ids) {
        auto const* cl = clauses.find(id);
        auto const level = cl ? cl->level : clause_level::must;
        if (level == clause_level::must)
            return status::fail;
        should = should || level == clause_level::should || level == clause_level::may;
        info = info || level == clause_level::info;
    }
    return should ? status::non_strict : status::informational;
}

graded grade_case(test_case const& c, std::vector<check_result> const& checks, clause_catalog const& clauses)
{
    for (auto want : {check_status::error, check_status::timeout})
        for (auto const& k : checks)
            if (k.result == want)
                return from_check(c, k, want == check_status::error ? status::error : status::timeout);

    graded g;
    for (auto const& k : checks) {
        if (!k.counts || k.result != check_status::fail)
            continue;
        std::vector<std::string> cited;
        for (auto const& id : k.clauses)
            if (std::find(c.clauses.begin(), c.clauses.end(), id) != c.clauses.end())
                cited.push_back(id);
        auto const st = status_for_clauses(cited.empty() ? k.clauses : cited, clauses);
        if (rank(st) > rank(g.result))
            g = from_check(c, k, st);
    }
    for (auto const& k : checks)
        if (k.kind == check_kind::outcome && k.result == check_status::pass && k.grade) {
            g.outcome = k.title;
            if (rank(*k.grade) > rank(g.result)) {
                auto const outcome = g.outcome;
                g = graded{*k.grade, "outcome \"" + k.title + "\"", std::nullopt, outcome};
            }
            break;
        }
    return g;
}

} // namespace sockconf::harness
