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

TEST(result, the_engine_a_user_agent_names)
{
    auto const firefox = engine_of_user_agent("Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0");
    EXPECT_EQ(firefox.name, "firefox");
    EXPECT_EQ(firefox.version, "153");
    EXPECT_EQ(firefox.label(), "firefox 153");
    EXPECT_EQ(firefox.user_agent, "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0");
    // Headless Chromium as Debian's chromium sends it: "like Gecko" and "Safari/" are not the engine.
    auto const chromium = engine_of_user_agent(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/140.0.0.0 Safari/537.36");
    EXPECT_EQ(chromium.label(), "chromium 140");
    EXPECT_EQ(engine_of_user_agent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 "
                                   "Safari/537.36")
                  .label(),
              "chromium 139");
    EXPECT_EQ(engine_of_user_agent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
                                   "Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
                  .label(),
              "webkit 17");
    EXPECT_EQ(engine_of_user_agent("curl/8.0").label(), "unknown");
    EXPECT_FALSE(engine_of_user_agent("").known()) << "no User-Agent: not a browser";
    EXPECT_EQ(engine_of_user_agent("").label(), "");
}
