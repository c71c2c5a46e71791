#include "sample_report.hpp"

#include <sockconf/common/spec_error.hpp>
#include <sockconf/reports/json_writer.hpp>
#include <sockconf/reports/merge.hpp>

using namespace sockconf;
using namespace sockconf::reports;

namespace {

/// The sample run dealt round-robin (in id order) into `n` shards, as --shard does.
std::vector<run_report> shards_of(run_report full, int n)
{
    std::sort(full.cases.begin(), full.cases.end(), [](auto const& a, auto const& b) { return a.id < b.id; });
    std::vector<run_report> parts(n);
    for (int i = 0; i < n; ++i) {
        parts[i].info = full.info;
        parts[i].info.shard = std::to_string(i + 1) + "/" + std::to_string(n);
        parts[i].info.duration_ms = 100.0 * (i + 1);
        parts[i].clauses = full.clauses;
    }
    for (std::size_t k = 0; k < full.cases.size(); ++k)
        parts[k % n].cases.push_back(full.cases[k]);
    return parts;
}

std::string err_id(std::vector<run_report> const& parts)
{
    try {
        (void)merge_reports(parts, {"a.json", "b.json", "c.json"});
    } catch (spec_error const& e) {
        return e.id();
    }
    return "";
}

} // namespace

TEST(merge, shards_merge_into_the_full_run_in_id_order)
{
    auto full = golden::sample_report();
    auto const merged = merge_reports(shards_of(full, 3), {});
    std::sort(full.cases.begin(), full.cases.end(), [](auto const& a, auto const& b) { return a.id < b.id; });
    EXPECT_EQ(to_json(merged)["cases"], to_json(full)["cases"]);
    EXPECT_EQ(to_json(merged)["summary"], to_json(full)["summary"]);
    EXPECT_EQ(merged.info.shard, "");
    EXPECT_EQ(merged.info.duration_ms, 300.0); // the longest shard
    EXPECT_EQ(merged.clauses.size(), full.clauses.size());
}

TEST(merge, refuses_what_is_not_one_run)
{
    auto parts = shards_of(golden::sample_report(), 3);
    EXPECT_EQ(err_id({}), "E-MERGE-EMPTY");
    EXPECT_EQ(err_id({parts[0], parts[1]}), "E-MERGE-SHARDS");     // 3/3 missing
    EXPECT_EQ(err_id({parts[0], parts[0], parts[1]}), "E-MERGE-SHARDS");
    auto overlap = parts;
    overlap[1].cases.push_back(overlap[0].cases.front());
    EXPECT_EQ(err_id(overlap), "E-MERGE-DUPLICATE");
    auto other = parts;
    other[2].info.profile = "taro";
    EXPECT_EQ(err_id(other), "E-MERGE-MISMATCH");
    // Shards of one page run in two browsers are two runs (side by side in a matrix), not one.
    auto engines = parts;
    for (auto& p : engines)
        p.info.engine = engine_of_user_agent("Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0");
    EXPECT_EQ(err_id(engines), "");
    engines[1].info.engine = engine_of_user_agent("Mozilla/5.0 (X11) HeadlessChrome/140.0.0.0 Safari/537.36");
    EXPECT_EQ(err_id(engines), "E-MERGE-MISMATCH");
}

TEST(merge, an_empty_shard_joins_without_an_iut)
{
    auto parts = shards_of(golden::sample_report(), 7); // 5 cases: shards 6/7 and 7/7 are empty
    for (auto i : {5, 6}) {
        ASSERT_TRUE(parts[i].cases.empty());
        parts[i].info.iut = {{"name", "?"}}; // as `sockconf run` writes an empty shard
    }
    std::rotate(parts.begin(), parts.begin() + 5, parts.end()); // the empty ones first
    auto const merged = merge_reports(parts, {});
    EXPECT_EQ(merged.cases.size(), 5u);
    EXPECT_EQ(merged.info.iut.value("name", ""), "sockconf-reference");
}
