// grading: a case's status from its checks, in one place.
#include "test_env.hpp"

#include <sockconf/harness/grading.hpp>

using namespace sockconf;
using namespace sockconf::harness;
using reports::check_kind;
using reports::check_result;
using reports::check_status;
using reports::status;

namespace {
// MUST, SHOULD and INFO clauses, cited by the case below.
constexpr char const* must = "WS-ONCLOSE-LAST";
constexpr char const* should = "WS-TASK-CLOSE-WHEN-CLOSED-FAILS";
constexpr char const* info = "WS-LIMIT-MULTI-FROM-1-5-0";

test_case the_case()
{
    return test_env::make_case(json{{"id", "t.grade"}, {"title", "t"}, {"clauses", {must, should, info}},
                                    {"steps", json::array()}});
}

check_result check(check_kind kind, check_status result, std::vector<std::string> clauses, bool counts = true,
                   std::string where = "inline.json#/expect/0")
{
    check_result k;
    k.kind = kind;
    k.result = result;
    k.clauses = std::move(clauses);
    k.counts = counts;
    k.where = std::move(where);
    k.expected = "E";
    k.actual = "A";
    return k;
}

graded grade(std::vector<check_result> const& checks) { return grade_case(the_case(), checks, test_env::clauses()); }
} // namespace

TEST(grading, all_checks_held_is_pass)
{
    auto const g = grade({check(check_kind::step, check_status::pass, {must}), check(check_kind::expect, check_status::pass, {should})});
    EXPECT_EQ(g.result, status::pass);
    EXPECT_TRUE(g.message.empty());
    EXPECT_FALSE(g.failed);
}

TEST(grading, a_failing_check_is_graded_by_the_level_of_its_clauses)
{
    EXPECT_EQ(grade({check(check_kind::expect, check_status::fail, {must})}).result, status::fail);
    EXPECT_EQ(grade({check(check_kind::expect, check_status::fail, {should})}).result, status::non_strict);
    EXPECT_EQ(grade({check(check_kind::expect, check_status::fail, {info})}).result, status::informational);
    EXPECT_EQ(grade({check(check_kind::expect, check_status::fail, {should, must})}).result, status::fail);
    // The worst check decides, and its message is the case's.
    auto const g = grade({check(check_kind::expect, check_status::fail, {should}, true, "inline.json#/expect/0"),
                          check(check_kind::expect, check_status::fail, {must}, true, "inline.json#/expect/1")});
    EXPECT_EQ(g.result, status::fail);
    EXPECT_EQ(g.message, "/expect/1: expected E; got A");
    ASSERT_TRUE(g.failed);
    EXPECT_EQ(g.failed->where, "inline.json#/expect/1");
}

TEST(grading, a_check_that_does_not_count_never_changes_the_status)
{
    // A global invariant about a clause the case does not cite: "also seen".
    auto inv = check(check_kind::invariant, check_status::fail, {"WS-CALLBACKS-ASYNC"}, false, "INV-CALLBACK-ASYNC");
    EXPECT_EQ(grade({inv}).result, status::pass);
    // The same invariant on a clause the case cites decides it.
    auto cited = check(check_kind::invariant, check_status::fail, {must}, true, "INV-TASK-NOTHING-AFTER-CLOSE");
    auto const g = grade({cited});
    EXPECT_EQ(g.result, status::fail);
    EXPECT_EQ(g.message, "invariant INV-TASK-NOTHING-AFTER-CLOSE: A");
    EXPECT_EQ(g.failed->where, "inline.json# (invariant INV-TASK-NOTHING-AFTER-CLOSE)");
}

TEST(grading, errors_and_timeouts_come_first)
{
    auto err = check(check_kind::step, check_status::error, {must});
    err.actual = "the IUT could not execute it";
    auto const g = grade({check(check_kind::expect, check_status::fail, {must}), err,
                          check(check_kind::step, check_status::timeout, {must})});
    EXPECT_EQ(g.result, status::error);
    EXPECT_EQ(g.message, "the IUT could not execute it");
    EXPECT_EQ(grade({check(check_kind::expect, check_status::fail, {must}), check(check_kind::step, check_status::timeout, {must})}).result,
              status::timeout);
}

TEST(grading, the_outcome_that_held_gives_its_grade_unless_something_worse)
{
    auto held = check(check_kind::outcome, check_status::pass, {must}, true, "inline.json#/outcomes/1");
    held.title = "refused";
    held.grade = status::non_strict;
    auto missed = check(check_kind::outcome, check_status::fail, {must}, false, "inline.json#/outcomes/0");
    auto g = grade({missed, held});
    EXPECT_EQ(g.result, status::non_strict);
    EXPECT_EQ(g.outcome, "refused");
    EXPECT_EQ(g.message, "outcome \"refused\"");
    // A MUST failure elsewhere in the case is worse than the outcome's grade.
    g = grade({check(check_kind::expect, check_status::fail, {must}), missed, held});
    EXPECT_EQ(g.result, status::fail);
    EXPECT_EQ(g.outcome, "refused");
    // No outcome held: the counting "none held" check fails the case.
    auto none = check(check_kind::outcome, check_status::fail, {must}, true, "inline.json#/outcomes");
    g = grade({missed, none});
    EXPECT_EQ(g.result, status::fail);
    EXPECT_EQ(g.message, "no allowed outcome held: A");
}

TEST(grading, status_for_clauses_takes_the_strongest_level)
{
    auto const& cl = test_env::clauses();
    EXPECT_EQ(status_for_clauses({info, should}, cl), status::non_strict);
    EXPECT_EQ(status_for_clauses({info}, cl), status::informational);
    EXPECT_EQ(status_for_clauses({"NO-SUCH-CLAUSE"}, cl), status::fail); // unknown counts as MUST
}
