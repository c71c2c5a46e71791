#include "test_env.hpp"

using namespace sockconf;
using namespace sockconf::harness;

TEST(api_catalog, knows_the_documented_surface)
{
    auto const& a = test_env::api();
    ASSERT_TRUE(a.function("wx.connectSocket"));
    EXPECT_TRUE(a.function("wx.connectSocket")->callbacks);
    EXPECT_EQ(a.function("wx.connectSocket")->returns, "SocketTask");
    EXPECT_EQ(a.method("SocketTask", "onOpen")->adds_listener, "open");
    EXPECT_EQ(a.method("TCPSocket", "offClose")->removes_listener, "close");
    EXPECT_FALSE(a.method("SocketTask", "offOpen")); // D31: SocketTask has no off*
    EXPECT_FALSE(a.function("wx.request"));
    EXPECT_EQ(a.find_class("SocketTask")->close_event, "close");
}

TEST(api_catalog, unknown_return_class_is_an_error)
{
    auto doc = json::parse(R"({"version":1,"functions":{"wx.f":{"returns":"Nope"}},"classes":{}})");
    try {
        api_catalog::from_json(doc, "api.json");
        FAIL() << "no error";
    } catch (spec_error const& e) {
        EXPECT_EQ(e.id(), "E-API-CLASS");
        EXPECT_EQ(e.pointer(), "/functions/wx.f/returns");
    }
}

TEST(api_catalog, a_returns_clause_must_be_a_known_clause)
{
    auto doc = json::parse(R"({"version":1,"functions":{"wx.f":{"returns":"C","returns_clause":"NOPE"}},
      "classes":{"C":{"methods":{},"properties":[]}}})");
    auto const known = [](std::string const& id) { return id == "WS-CONNECT-RETURNS-SOCKETTASK"; };
    try {
        api_catalog::from_json(doc, "api.json", known);
        FAIL() << "no error";
    } catch (spec_error const& e) {
        EXPECT_EQ(e.id(), "E-API-CLAUSE");
        EXPECT_EQ(e.pointer(), "/functions/wx.f/returns_clause");
    }
    doc["functions"]["wx.f"]["returns_clause"] = "WS-CONNECT-RETURNS-SOCKETTASK";
    EXPECT_EQ(api_catalog::from_json(doc, "api.json", known).function("wx.f")->returns_clause, "WS-CONNECT-RETURNS-SOCKETTASK");
}
