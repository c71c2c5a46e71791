// compare.hpp on two fixed results files.
#include <sockconf/bench/compare.hpp>
#include <sockconf/common/json_file.hpp>

#include <gtest/gtest.h>

#include <sstream>

namespace sockconf::bench {
namespace {

TEST(compare, ratios_per_measurement_with_the_ones_only_one_side_has)
{
    auto const old_doc = read_json_file(SOCKCONF_BENCH_FIXTURES "/old.json");
    auto const new_doc = read_json_file(SOCKCONF_BENCH_FIXTURES "/new.json");
    auto const rows = compare_results(old_doc, new_doc);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].key, "echo sockconf-ws ws handshake c8");
    EXPECT_DOUBLE_EQ(rows[0].ratio, 2.0);
    EXPECT_EQ(rows[1].key, "echo sockconf-ws ws binary 16");
    EXPECT_DOUBLE_EQ(rows[1].ratio, 1.5);
    EXPECT_EQ(rows[2].key, "peer uwebsockets ws binary 16");
    EXPECT_EQ(rows[2].old_rate, 0.0);
    EXPECT_EQ(rows[3].key, "echo sockconf-tcp tcp binary 1024");
    EXPECT_EQ(rows[3].new_rate, 0.0);
    EXPECT_DOUBLE_EQ(rows[3].old_rate, 200000.0);

    std::ostringstream out;
    print_comparison(rows, out);
    EXPECT_NE(out.str().find("1.50"), std::string::npos);
    EXPECT_NE(out.str().find("only new"), std::string::npos);
    EXPECT_NE(out.str().find("only old"), std::string::npos);
}

} // namespace
} // namespace sockconf::bench
