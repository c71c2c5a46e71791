// detail/variables: substitution of ${NAME} and its reverse for reports.
#include "test_env.hpp"

#include "detail/variables.hpp"

using namespace sockconf;
using namespace sockconf::harness;
using detail::variable_error;
using detail::variables;

namespace {
variables with_run_values()
{
    variables v(test_env::wechat());
    v.set("tag", "ws.close.x-4242-7");
    v.set("ws", "ws://127.0.0.1:33639");
    v.set("ws.port", 33639);
    v.set("tcp.port", 40001);
    return v;
}
} // namespace

TEST(variables, a_whole_string_variable_keeps_its_type)
{
    auto v = with_run_values();
    EXPECT_EQ(v.substitute("${ws.port}"), json(33639));
    EXPECT_EQ(v.substitute("${ws}/echo?tag=${tag}"), json("ws://127.0.0.1:33639/echo?tag=ws.close.x-4242-7"));
    EXPECT_EQ(v.substitute("port ${ws.port}"), json("port 33639"));
    EXPECT_EQ(v.substitute(json{{"url", "${ws}"}, {"n", {1, "${tcp.port}"}}}),
              (json{{"url", "ws://127.0.0.1:33639"}, {"n", {1, 40001}}}));
}

TEST(variables, profile_values_and_the_loop_index)
{
    auto v = with_run_values();
    EXPECT_EQ(v.substitute("${profile.limits.max_concurrent_websockets}"), json(5));
    v.push_loop(3);
    EXPECT_EQ(v.substitute("t${i}"), json("t3"));
    v.pop_loop();
}

TEST(variables, case_format_values_become_wire_form)
{
    auto v = with_run_values();
    EXPECT_EQ(v.substitute(json{{"$arraybuffer_text", "hi"}}), (json{{"$arraybuffer", "aGk="}}));
    EXPECT_EQ(v.substitute(json{{"$repeat", "ab"}, {"times", 3}}), json("ababab"));
    EXPECT_EQ(v.substitute(json{{"$concat", {"x", json{{"$repeat", "é"}, {"times", 2}}, 7}}}), json("xéé7"));
    EXPECT_TRUE(is_array_buffer(v.resolve(json{{"$arraybuffer_text", "hi"}})));
}

TEST(variables, a_variable_without_a_value_is_an_error_naming_it)
{
    auto v = with_run_values();
    auto message = [&](json const& x) {
        try {
            (void)v.substitute(x);
        } catch (variable_error const& e) {
            return std::string(e.what());
        }
        return std::string("(substituted)");
    };
    EXPECT_EQ(message("${wsx}"), "unknown variable ${wsx}");
    EXPECT_EQ(message("a ${i}"), "${i} used outside repeat");
    EXPECT_EQ(message("${profile.limits.nope}"), "the profile has no value ${profile.limits.nope}");
}

TEST(variables, normalise_puts_the_runs_own_values_back_as_names)
{
    auto v = with_run_values();
    EXPECT_EQ(v.normalise("connect ws://127.0.0.1:33639/echo?tag=ws.close.x-4242-7-2 failed"),
              "connect ${ws}/echo?tag=${tag}-2 failed");
    EXPECT_EQ(v.normalise("port 33639, #12 came before #3"), "port ${ws.port}, #N came before #N");
    // A port only where it stands alone: not inside a longer number.
    EXPECT_EQ(v.normalise("1336390 bytes"), "1336390 bytes");
    EXPECT_EQ(v.normalise("40001"), "${tcp.port}");
    EXPECT_EQ(v.normalise(R"(object {"$handle":"5","class":"WebSocket"})"), R"(object {"$handle":"N","class":"WebSocket"})");
}
