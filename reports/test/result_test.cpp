#include <sockconf/reports/result.hpp>

#include <gtest/gtest.h>

using namespace sockconf::reports;

TEST(result, status_names_round_trip)
{
    for (int i = 0; i < 8; ++i) {
        auto s = static_cast<status>(i);
        EXPECT_EQ(status_from_string(to_string(s)), s);
    }
    EXPECT_EQ(to_string(status::non_strict), "NON-STRICT");
    EXPECT_FALSE(status_from_string("pass"));
}

TEST(result, conforming_statuses)
{
    EXPECT_TRUE(conforming(status::pass));
    EXPECT_TRUE(conforming(status::non_strict));
    EXPECT_TRUE(conforming(status::informational));
    EXPECT_FALSE(conforming(status::fail));
    EXPECT_FALSE(conforming(status::error));
    EXPECT_FALSE(conforming(status::timeout));
    EXPECT_FALSE(conforming(status::unimplemented));
}

TEST(result, trace_lines_read_as_events)
{
    auto const e = sockconf::json::parse(R"({"seq":3,"t_ms":12.56,"type":"invoke","fn":"msg","arg":{"data":"hi"},"sync":true})");
    EXPECT_EQ(trace_line(e), "#3  12.5 ms  invoke msg {\"data\":\"hi\"}  (SYNCHRONOUS)");
    EXPECT_EQ(trace_line(sockconf::json::parse(R"({"seq":1,"type":"call","target":"task.send","args":[]})")),
              "#1  call task.send []");
}
