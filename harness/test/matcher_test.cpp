#include <sockconf/harness/matcher.hpp>

#include <gtest/gtest.h>

using namespace sockconf;
using namespace sockconf::harness;

namespace {
matcher parse(json const& m) { return parse_matcher(json_reader(m, "case.json")); }
pattern parse_p(json const& p) { return parse_pattern(json_reader(p, "case.json")); }
bool holds(char const* m, json const& v) { return !check_matcher(parse(json::parse(m)), &v); }
/// The reason, as one line.
std::string why(json const& m, json const* v)
{
    auto r = check_matcher(parse(m), v);
    return r ? r->text() : "(held)";
}
} // namespace

TEST(matcher, plain_value_means_equals)
{
    EXPECT_TRUE(holds("1000", 1000));
    EXPECT_FALSE(holds("1000", 1003));
    EXPECT_EQ(why(1000, nullptr), "expected 1000, got (absent)");
}

TEST(matcher, string_and_arraybuffer_never_blur)
{
    auto const ab = make_array_buffer("hi");
    EXPECT_TRUE(holds(R"({"$arraybuffer":"aGk="})", ab));
    EXPECT_FALSE(holds(R"({"$arraybuffer":"aGk="})", json("hi")));
    EXPECT_FALSE(holds(R"("hi")", ab));
    EXPECT_TRUE(holds(R"({"type":"arraybuffer","byte_length":2})", ab));
    EXPECT_FALSE(holds(R"({"type":"string"})", ab));
}

TEST(matcher, functions_and_undefined_by_typeof)
{
    auto const fn = make_typeof("function");
    auto const undef = make_typeof("undefined");
    EXPECT_TRUE(holds(R"({"type":"function"})", fn));
    EXPECT_FALSE(holds(R"({"type":"function"})", undef));
    EXPECT_TRUE(holds(R"({"type":"undefined"})", undef));
    EXPECT_TRUE(holds(R"({"present":false})", undef));
    EXPECT_FALSE(holds(R"({"present":true})", undef));
    EXPECT_TRUE(holds(R"({"present":true})", fn));
    // an absent property reads as undefined
    EXPECT_FALSE(check_matcher(parse(json::parse(R"({"type":"undefined"})")), nullptr));
    EXPECT_EQ(why(json::parse(R"({"type":"function"})"), &undef),
              R"(expected a value matching {"type":"function"}, got {"$typeof":"undefined"})");
}

TEST(matcher, any_of_holds_when_one_alternative_holds)
{
    char const* m = R"({"any_of":[{"type":"string"},{"type":"undefined"}]})";
    EXPECT_TRUE(holds(m, json("ok")));
    EXPECT_TRUE(holds(m, make_typeof("undefined")));
    EXPECT_FALSE(check_matcher(parse(json::parse(m)), nullptr));
    json const three = 3;
    EXPECT_EQ(why(json::parse(m), &three), "expected any of [type string; type undefined], got 3");
}

TEST(matcher, string_matchers)
{
    EXPECT_TRUE(holds(R"({"prefix":"sendSocketMessage:fail"})", "sendSocketMessage:fail not connected"));
    EXPECT_FALSE(holds(R"({"prefix":"sendSocketMessage:fail"})", "sendSocketMessage:ok"));
    EXPECT_TRUE(holds(R"({"contains":"errno:"})", "connect fail errno:111"));
    EXPECT_TRUE(holds(R"({"regex":"errno:\\s*\\d+"})", "errno: 111"));
    EXPECT_FALSE(holds(R"({"regex":"^ok$"})", "not ok"));
    EXPECT_TRUE(holds(R"({"byte_length":6})", "ééé"));
}

TEST(matcher, presence_ranges_and_choices)
{
    EXPECT_TRUE(!check_matcher(parse(json::parse(R"({"present":false})")), nullptr));
    EXPECT_FALSE(holds(R"({"present":false})", 1));
    EXPECT_TRUE(holds(R"({"present":true,"type":"number","min":1,"max":5})", 3));
    EXPECT_FALSE(holds(R"({"min":1})", 0));
    EXPECT_TRUE(holds(R"({"one_of":[1000,1005]})", 1005));
    EXPECT_FALSE(holds(R"({"one_of":[1000,1005]})", 1006));
}

TEST(matcher, patterns_follow_dotted_paths)
{
    auto const v = json::parse(R"({"header":{"upgrade":"websocket"},"messages":[{"head":"a"},{"head":"b"}]})");
    EXPECT_FALSE(check_pattern(parse_p(json::parse(R"({"header.upgrade":"websocket","messages.1.head":"b"})")), v));
    auto miss = check_pattern(parse_p(json::parse(R"({"messages.1.head":"c"})")), v);
    ASSERT_TRUE(miss);
    EXPECT_EQ(miss->text(), "messages.1.head: expected \"c\", got \"b\"");
    // In parts, for grouping: where, what was asked, what was there.
    EXPECT_EQ(miss->path, "messages.1.head");
    EXPECT_EQ(miss->expected, "\"c\"");
    EXPECT_EQ(miss->observed, "\"b\"");
    EXPECT_EQ(lookup(v, "messages.2.head"), nullptr);
    EXPECT_EQ(lookup(v, "header.x.y"), nullptr);
}

TEST(matcher, invalid_matchers_are_spec_errors)
{
    auto bad = [](char const* text) {
        auto const doc = json::parse(text);
        try {
            (void)parse_matcher(json_reader(doc, "f.json"));
        } catch (spec_error const& e) {
            return e.id();
        }
        return std::string("ok");
    };
    EXPECT_EQ(bad(R"({"regex":"("})"), "E-MATCHER");
    EXPECT_EQ(bad(R"({"type":"int"})"), "E-MATCHER");
    EXPECT_EQ(bad(R"({"type":"typedarray"})"), "ok");
    EXPECT_EQ(bad(R"({"equal":1})"), "E-MATCHER");
    EXPECT_EQ(bad(R"({"min":"1"})"), "E-TYPE");
    EXPECT_EQ(bad(R"({"equals":{"a":1}})"), "ok");
    EXPECT_EQ(bad(R"({"regex":"${tag}"})"), "E-MATCHER"); // a regex cannot hold a variable
    EXPECT_EQ(bad(R"({"min":"${profile.limits.max_concurrent_websockets}"})"), "ok");
}

TEST(matcher, expected_values_go_through_the_runs_resolver)
{
    // ${...} in an expected value is the case run's business: the matcher asks it.
    auto const m = parse(json::parse(R"({"equals":"${tcp.port}"})"));
    auto const resolve = [](json const& x) { return x == "${tcp.port}" ? json(4242) : from_wire(x); };
    json const port = 4242, other = 1;
    EXPECT_FALSE(check_matcher(m, &port, resolve));
    auto const miss = check_matcher(m, &other, resolve);
    ASSERT_TRUE(miss);
    EXPECT_EQ(miss->text(), "expected 4242, got 1");
    // Without a resolver the variable is compared as the string it is.
    EXPECT_TRUE(check_matcher(m, &port));
}

// A typed array (a Node Buffer where an ArrayBuffer is documented) never passes for an
// ArrayBuffer: not by type, not by equality; the message names its class.
TEST(matcher, typed_array_is_not_an_arraybuffer)
{
    auto const buf = from_wire(json::parse(R"({"$typedarray":"Buffer","base64":"AQID"})"));
    auto why = check_matcher(parse(json::parse(R"({"type":"arraybuffer"})")), &buf);
    ASSERT_TRUE(why);
    EXPECT_EQ(why->text(), R"(expected type arraybuffer, got typedarray {"$typedarray":"Buffer","base64":"AQID"})");
    EXPECT_TRUE(holds(R"({"type":"typedarray"})", buf));
    EXPECT_FALSE(holds(R"({"$arraybuffer":"AQID"})", buf));
    EXPECT_FALSE(holds(R"({"equals":{"$arraybuffer":"AQID"}})", buf));
    // byte_length counts strings and ArrayBuffers only: a view's bytes are matched by value.
    why = check_matcher(parse(json::parse(R"({"byte_length":3})")), &buf);
    ASSERT_TRUE(why);
    EXPECT_NE(why->text().find("got typedarray {\"$typedarray\":\"Buffer\""), std::string::npos) << why->text();
    EXPECT_TRUE(holds(R"({"$typedarray":"Buffer","base64":"AQID"})", buf));
    EXPECT_FALSE(holds(R"({"$typedarray":"Uint8Array","base64":"AQID"})", buf));
    EXPECT_FALSE(check_pattern(parse_p(json::parse(R"({"data.$typedarray":"Buffer","data.base64":"AQID"})")),
                               json{{"data", buf}}));
}

TEST(matcher, a_value_of_another_type_groups_by_its_type)
{
    // An ArrayBuffer asked for, a Blob found: the key is the type, not the bytes.
    auto const blob = json{{"$blob", "aGk="}, {"type", ""}};
    auto const r = check_matcher(parse(json::parse(R"({"$arraybuffer":"aGk="})")), &blob);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->expected_key(), "type arraybuffer");
    EXPECT_EQ(r->observed_key(), "type blob");
    EXPECT_NE(r->text().find("aGk="), std::string::npos) << "the message keeps the value";
    // Same type, other value: the values are the key.
    auto const n = json(1003);
    auto const same = check_matcher(parse(json(1000)), &n);
    ASSERT_TRUE(same);
    EXPECT_EQ(same->expected_key(), "1000");
    EXPECT_EQ(same->observed_key(), "1003");
    // Nothing there: whatever value was asked for, the header was not sent.
    auto const none = check_matcher(parse(json("yes 1")), nullptr);
    ASSERT_TRUE(none);
    EXPECT_EQ(none->expected_key(), "present");
    EXPECT_EQ(none->observed_key(), "absent");
    // null where a number was asked for (no close code sent): any number, one behaviour.
    auto const null = json(nullptr);
    auto const no_code = check_matcher(parse(json(4000)), &null);
    ASSERT_TRUE(no_code);
    EXPECT_EQ(no_code->expected_key(), "a number");
    EXPECT_EQ(no_code->observed_key(), "null");
}
