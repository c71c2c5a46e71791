// deviations_of: a run's failing checks grouped by cause (deviations.hpp).
#include "sample_report.hpp"

#include <sockconf/reports/deviations.hpp>

#include <algorithm>

using namespace sockconf::reports;
using sockconf::json;

namespace {

/// A failing check with its normalised signature.
check_result failing(check_kind kind, std::string where, std::vector<std::string> clauses, std::string subject,
                     std::string expected, std::string observed, bool counts = true)
{
    check_result k;
    k.kind = kind;
    k.where = std::move(where);
    k.title = k.where;
    k.clauses = std::move(clauses);
    k.result = check_status::fail;
    k.counts = counts;
    k.subject = std::move(subject);
    k.expected_norm = k.expected = std::move(expected);
    k.observed_norm = k.actual = std::move(observed);
    return k;
}

check_result invariant(std::string id, std::string clause, std::string observed, bool counts)
{
    return failing(check_kind::invariant, std::move(id), {std::move(clause)}, "called synchronously", "after the call",
                   std::move(observed), counts);
}

case_result a_case(std::string id, status s, std::vector<check_result> checks)
{
    case_result c;
    c.id = std::move(id);
    c.suite = "websocket";
    c.result = s;
    c.checks = std::move(checks);
    return c;
}

run_report a_run(std::vector<case_result> cases)
{
    run_report r;
    r.clauses = {{"A", "MUST", "", "a.md", "a", "", {}},
                 {"B", "SHOULD", "", "b.md", "b", "", {}},
                 {"H", "MUST", "", "h.md", "h", "", {{"browser", "a browser cannot"}}},
                 {"S", "SHOULD", "", "s.md", "s", "", {}}};
    r.cases = std::move(cases);
    return r;
}

deviation const* find(std::vector<deviation> const& ds, std::string const& subject)
{
    auto it = std::find_if(ds.begin(), ds.end(), [&](auto const& d) { return d.subject == subject; });
    return it == ds.end() ? nullptr : &*it;
}

} // namespace

TEST(deviations, checks_with_one_signature_are_one_deviation_whatever_the_case)
{
    auto const r = a_run({
        a_case("c1", status::fail, {failing(check_kind::expect, "f#/expect/0", {"A"}, "onClose", "code 1000", "code 1005")}),
        a_case("c2", status::fail, {failing(check_kind::expect, "g#/expect/3", {"A"}, "onClose", "code 1000", "code 1005")}),
        a_case("c3", status::fail, {failing(check_kind::expect, "h#/expect/0", {"A"}, "onClose", "code 1000", "code 1006")}),
    });
    auto const ds = deviations_of(r);
    ASSERT_EQ(ds.size(), 2u) << "1005 and 1006 are two behaviours";
    EXPECT_EQ(ds[0].cases, (std::vector<std::string>{"c1", "c2"}));
    EXPECT_EQ(ds[0].observed, (std::vector<std::string>{"code 1005"}));
    EXPECT_EQ(ds[0].level, "MUST");
    EXPECT_EQ(ds[0].example_case, "c1");
    EXPECT_EQ(ds[0].example_where, "f#/expect/0");
    EXPECT_EQ(ds[0].headline(), "onClose: expected code 1000, observed code 1005 (A)");
    EXPECT_EQ(ds[1].cases, (std::vector<std::string>{"c3"}));
}

TEST(deviations, in_a_case_the_first_failing_check_of_a_clause_set_names_the_behaviour)
{
    auto const r = a_run({a_case("c1", status::fail,
                                 {failing(check_kind::expect, "f#/expect/0", {"A", "B"}, "fail callback", "once", "never"),
                                  failing(check_kind::expect, "f#/expect/1", {"B", "A"}, "success callback", "never", "once"),
                                  failing(check_kind::expect, "f#/expect/2", {"B"}, "errMsg", "a string", "absent")})});
    auto const ds = deviations_of(r);
    ASSERT_EQ(ds.size(), 2u) << "the second check tests the same clauses (in another order): the same behaviour";
    EXPECT_NE(find(ds, "fail callback"), nullptr);
    EXPECT_EQ(find(ds, "success callback"), nullptr);
    EXPECT_NE(find(ds, "errMsg"), nullptr);
    EXPECT_EQ(find(ds, "fail callback")->level, "MUST") << "the strongest of its clauses";
    EXPECT_EQ(find(ds, "errMsg")->level, "SHOULD");
}

TEST(deviations, an_invariant_is_one_finding_per_id_and_clause_its_variants_observed)
{
    auto const r = a_run({
        a_case("c1", status::pass, {invariant("INV-X", "S", "connectSocket success; send success", false)}),
        a_case("c2", status::fail, {invariant("INV-X", "S", "send success; close complete", true)}),
        // In c3 it counts and is also seen once more: c3 is a case it decided, once.
        a_case("c3", status::non_strict,
               {invariant("INV-X", "S", "close complete", true), invariant("INV-X", "S", "close complete", false)}),
        a_case("c4", status::pass, {invariant("INV-X", "A", "connectSocket success", false)}),
    });
    auto const ds = deviations_of(r);
    ASSERT_EQ(ds.size(), 2u) << "INV-X of clause S and INV-X of clause A";
    auto const& x = ds[0];
    EXPECT_EQ(x.invariant, "INV-X");
    EXPECT_EQ(x.clauses, (std::vector<std::string>{"S"}));
    EXPECT_EQ(x.observed, (std::vector<std::string>{"connectSocket success", "send success", "close complete"}));
    EXPECT_EQ(x.cases, (std::vector<std::string>{"c2", "c3"}));
    EXPECT_EQ(x.seen_in, (std::vector<std::string>{"c1"}));
    EXPECT_EQ(x.case_count(), 3u);
    EXPECT_EQ(x.headline(), "called synchronously (INV-X, S)");
    EXPECT_EQ(ds[1].seen_in, (std::vector<std::string>{"c4"}));
}

TEST(deviations, only_judged_cases_and_findings_count)
{
    auto const broke = failing(check_kind::step, "f#/steps/0", {"A"}, "connect", "an answer", "none");
    auto missed = failing(check_kind::outcome, "f#/outcomes/0", {"A"}, "refused by fail", "fail once", "never");
    missed.counts = false; // missed while another outcome held
    auto none_held = failing(check_kind::outcome, "f#/outcomes", {"B"}, "allowed outcomes", "one of them", "neither");
    auto const r = a_run({
        a_case("error", status::error, {broke}),
        a_case("timeout", status::timeout, {broke}),
        a_case("skipped", status::skip, {broke}),
        a_case("unimplemented", status::unimplemented, {broke}),
        a_case("held-another", status::pass, {missed}),
        a_case("none-held", status::fail, {missed, none_held}),
    });
    auto const ds = deviations_of(r);
    ASSERT_EQ(ds.size(), 1u) << "ERROR, TIMEOUT, SKIP and UNIMPLEMENTED say nothing; a missed alternative is no finding";
    EXPECT_EQ(ds[0].subject, "allowed outcomes");
    EXPECT_EQ(ds[0].cases, (std::vector<std::string>{"none-held"}));
    EXPECT_EQ(failing_cases(r), 3u) << "FAIL, ERROR and TIMEOUT";
}

TEST(deviations, ranked_by_cases_then_by_level)
{
    auto should = [](std::string id) {
        return a_case(std::move(id), status::non_strict, {failing(check_kind::expect, "f", {"B"}, "should", "x", "y")});
    };
    auto must = [](std::string id) {
        return a_case(std::move(id), status::fail, {failing(check_kind::expect, "f", {"A"}, "must", "x", "y")});
    };
    auto once = [](std::string id) {
        return a_case(std::move(id), status::non_strict, {failing(check_kind::expect, "f", {"S"}, "once", "x", "y")});
    };
    auto const ds = deviations_of(a_run({once("c0"), should("c1"), should("c2"), must("c3"), must("c4"), must("c5")}));
    ASSERT_EQ(ds.size(), 3u);
    EXPECT_EQ(ds[0].subject, "must") << "3 cases";
    EXPECT_EQ(ds[1].subject, "should") << "2 cases";
    EXPECT_EQ(ds[2].subject, "once");
    // Equal counts: MUST before SHOULD, whatever came first.
    auto const tie = deviations_of(a_run({should("c1"), must("c2")}));
    ASSERT_EQ(tie.size(), 2u);
    EXPECT_EQ(tie[0].subject, "must");
}

TEST(deviations, a_clause_the_host_cannot_meet_is_a_limit_of_the_host)
{
    auto r = a_run({a_case("c1", status::fail, {failing(check_kind::expect, "f", {"H"}, "request header", "\"yes\"", "(absent)")}),
                    a_case("c2", status::fail, {failing(check_kind::expect, "g", {"A"}, "close code", "1000", "null")})});
    EXPECT_FALSE(deviations_of(r)[0].host_limit) << "a hello without a host";
    r.info.iut = {{"name", "x"}, {"host", "browser"}};
    auto const ds = deviations_of(r);
    auto const* h = find(ds, "request header");
    ASSERT_NE(h, nullptr);
    EXPECT_TRUE(h->host_limit);
    EXPECT_EQ(h->host_limit_reason, "a browser cannot");
    EXPECT_FALSE(find(ds, "close code")->host_limit);
    EXPECT_EQ(deviations_summary(r, ds), "2 failing cases, 1 deviation, and 1 limit of the host");
    r.info.iut["host"] = "device";
    EXPECT_FALSE(find(deviations_of(r), "request header")->host_limit) << "another host can meet it";
}

TEST(deviations, ids_are_stable_across_runs_cases_and_wording_of_the_raw_values)
{
    // FNV-1a of the signature: fixed values, so a change of the hash shows here first.
    EXPECT_EQ(deviation_id(""), "DEV-811c9dc5");
    EXPECT_EQ(deviation_id("a"), "DEV-e40c292c");
    auto one = a_run({a_case("c1", status::fail, {failing(check_kind::expect, "f", {"A", "B"}, "onClose", "1000", "1005")})});
    auto two = a_run({a_case("other", status::fail, {failing(check_kind::expect, "g", {"B", "A"}, "onClose", "1000", "1005")})});
    two.cases[0].checks[0].actual = "code 1005 on port 41234"; // raw values differ, the normalised ones do not
    two.info.iut = {{"name", "another platform"}};
    EXPECT_EQ(deviations_of(one)[0].id, deviations_of(two)[0].id);
    EXPECT_EQ(deviations_of(one)[0].id.size(), 12u);
    auto three = one;
    three.cases[0].checks[0].observed_norm = "1006";
    EXPECT_NE(deviations_of(one)[0].id, deviations_of(three)[0].id);
    auto inv = a_run({a_case("c1", status::pass, {invariant("INV-X", "S", "send success", false)})});
    auto inv2 = a_run({a_case("c9", status::fail, {invariant("INV-X", "S", "close fail", true)})});
    EXPECT_EQ(deviations_of(inv)[0].id, deviations_of(inv2)[0].id) << "an invariant's id ignores its variants";
}

TEST(deviations, the_example_is_the_trace_the_first_check_points_at)
{
    auto c = a_case("c1", status::fail, {failing(check_kind::expect, "f", {"A"}, "onClose", "1000", "1005")});
    c.checks[0].seqs = {2};
    c.trace = json::array({{{"seq", 1}, {"type", "invoke"}, {"fn", "open"}},
                           {{"seq", 2}, {"t_ms", 3.0}, {"type", "invoke"}, {"fn", "closed"}, {"arg", {{"code", 1005}}}}});
    auto const ds = deviations_of(a_run({c}));
    ASSERT_EQ(ds.size(), 1u);
    EXPECT_EQ(ds[0].excerpt, (std::vector<std::string>{"#2  3.0 ms  invoke closed {\"code\":1005}"}));
}

TEST(deviations, the_sample_run)
{
    auto const r = golden::sample_report();
    auto const ds = deviations_of(r);
    ASSERT_EQ(ds.size(), 3u);
    EXPECT_EQ(ds[0].invariant, "INV-CALLBACK-ASYNC");
    EXPECT_EQ(ds[0].seen_in.size(), 3u);
    EXPECT_TRUE(ds[0].cases.empty());
    EXPECT_EQ(deviations_summary(r, ds), "2 failing cases, 2 deviations, and 1 limit of the host");
    EXPECT_EQ(r.cases[4].also_seen().size(), 1u) << "the missed outcome is not a finding";
}

TEST(deviations, a_check_that_points_at_no_call_shows_how_the_case_ended)
{
    // "never called" has no call to point at: the excerpt is the trace's last lines.
    auto c = a_case("c1", status::fail, {failing(check_kind::step, "w", {"A"}, "onClose", "a call", "never called")});
    c.trace = json::array();
    for (int i = 1; i <= 9; ++i)
        c.trace.push_back({{"seq", i}, {"t_ms", 1.0 * i}, {"type", "invoke"}, {"fn", "msg"}});
    auto const ds = deviations_of(a_run({c}));
    ASSERT_EQ(ds.size(), 1u);
    ASSERT_EQ(ds[0].excerpt.size(), 6u);
    EXPECT_EQ(ds[0].excerpt.front().rfind("#4 ", 0), 0u) << ds[0].excerpt.front();
    EXPECT_EQ(ds[0].excerpt.back().rfind("#9 ", 0), 0u) << ds[0].excerpt.back();
}

TEST(deviations, a_needed_step_that_broke_is_one_deviation_whatever_the_cases_cite)
{
    // createTCPSocket returns an error object in every TCP case: one behaviour, not one per clause set.
    auto broken = [](std::string id, std::vector<std::string> clauses) {
        auto k = failing(check_kind::step, id + "#/steps/0", clauses, "wx.createTCPSocket", "to return a TCPSocket",
                         "returned {\"errMsg\":\"not supported\"}");
        k.title = "call wx.createTCPSocket";
        auto c = a_case(id, status::fail, {k});
        c.clauses = clauses;
        return c;
    };
    auto const ds = deviations_of(a_run({broken("t1", {"A"}), broken("t2", {"B", "A"}), broken("t3", {"S"})}));
    ASSERT_EQ(ds.size(), 1u);
    EXPECT_EQ(ds[0].cases, (std::vector<std::string>{"t1", "t2", "t3"}));
    EXPECT_EQ(ds[0].clauses, (std::vector<std::string>{"A", "B", "S"}));
    EXPECT_EQ(ds[0].level, "MUST");
    // So is a wait for a listener that never came.
    auto wait = [](std::string id, std::vector<std::string> clauses) {
        auto k = failing(check_kind::step, id + "#/steps/3/wait", clauses, "wx.onSocketOpen listener", "a call", "never called");
        k.title = "wait for \"open\"";
        auto c = a_case(id, status::fail, {k});
        c.clauses = clauses;
        return c;
    };
    EXPECT_EQ(deviations_of(a_run({wait("w1", {"A"}), wait("w2", {"B"})})).size(), 1u);
    // A step with clauses of its own is about those clauses.
    auto own = broken("t4", {"B"});
    own.clauses = {"A", "B"};
    EXPECT_EQ(deviations_of(a_run({broken("t1", {"A"}), own})).size(), 2u);
}
