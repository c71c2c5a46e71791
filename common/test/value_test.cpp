#include <sockconf/common/value.hpp>

#include <gtest/gtest.h>

using namespace sockconf;

TEST(value, array_buffer_is_not_a_string)
{
    auto ab = make_array_buffer("hi");
    EXPECT_TRUE(is_array_buffer(ab));
    EXPECT_FALSE(is_array_buffer(json("hi")));
    EXPECT_EQ(js_type_name(ab), "arraybuffer");
    EXPECT_EQ(js_type_name(json("hi")), "string");
    EXPECT_EQ(js_type_name(json{{"$blob", "aGk="}, {"type", ""}}), "blob");
    EXPECT_EQ(js_type_name(make_typeof("function")), "function");
    EXPECT_EQ(array_buffer_bytes(ab), "hi");
}

TEST(value, wire_form_round_trips_nested_binary)
{
    json v = {{"data", make_array_buffer(std::string("\x00\xff\x10", 3))}, {"list", {1, "a"}}};
    auto wire = to_wire(v);
    EXPECT_EQ(wire["data"]["$arraybuffer"], "AP8Q");
    EXPECT_EQ(from_wire(wire), v);
}

TEST(value, base64_rejects_garbage)
{
    EXPECT_EQ(base64_decode("aGVsbG8="), "hello");
    EXPECT_EQ(base64_decode(""), "");
    EXPECT_FALSE(base64_decode("aGVsbG8"));   // length not a multiple of 4
    EXPECT_FALSE(base64_decode("aGV*bG8="));  // foreign character
    EXPECT_FALSE(base64_decode("a==="));      // too much padding
    EXPECT_THROW(from_wire(json{{"$arraybuffer", 3}}), std::invalid_argument);
    EXPECT_THROW(from_wire(json{{"$arraybuffer", "!!!!"}}), std::invalid_argument);
}

TEST(value, brief_cuts_long_values)
{
    auto s = brief(json(std::string(500, 'x')), 20);
    EXPECT_EQ(s.size(), 23u);
    EXPECT_EQ(s.substr(20), "...");
}
