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

TEST(value, brief_never_cuts_inside_a_utf8_sequence)
{
    // "€" is 3 bytes; the JSON text is a quote then 3-byte characters: a cut at 5 bytes
    // falls inside the second one and must go back to its start.
    auto const s = brief(json(std::string("€€€€")), 5);
    EXPECT_EQ(s, "\"€...");
}

TEST(value, cut_utf8_keeps_whole_characters_and_leaves_short_text_alone)
{
    EXPECT_EQ(cut_utf8("€€", 4, "…"), "€…"); // byte 4 is inside the second "€"
    EXPECT_EQ(cut_utf8("€€", 6, "…"), "€€"); // fits: no ellipsis
    EXPECT_EQ(cut_utf8("abcdef", 3, "..."), "abc...");
}

// A typed array or DataView keeps its own form: it is never an ArrayBuffer, and its
// class is readable in every message, however long its bytes.
TEST(value, typed_array_is_its_own_type_with_its_class_in_front)
{
    auto const buf = from_wire(json{{"$typedarray", "Buffer"}, {"base64", "AQID"}});
    EXPECT_TRUE(is_typed_array(buf));
    EXPECT_FALSE(is_array_buffer(buf));
    EXPECT_EQ(js_type_name(buf), "typedarray");
    EXPECT_EQ(buf, make_typed_array("Buffer", std::string("\x01\x02\x03", 3)));
    EXPECT_EQ(js_type_name(make_typed_array("DataView", "")), "typedarray");

    // The same bytes as an ArrayBuffer, or as another view class, are another value.
    EXPECT_NE(buf, make_array_buffer(std::string("\x01\x02\x03", 3)));
    EXPECT_NE(buf, from_wire(json{{"$arraybuffer", "AQID"}}));
    EXPECT_NE(buf, make_typed_array("Uint8Array", std::string("\x01\x02\x03", 3)));

    // Nested (an event's res.data) it round-trips, and to_wire leaves it alone.
    json const wire = {{"data", {{"$typedarray", "Uint8Array"}, {"base64", "AP8Q"}}}};
    EXPECT_EQ(to_wire(from_wire(wire)), wire);
    EXPECT_EQ(js_type_name(from_wire(wire)["data"]), "typedarray");

    // The class survives brief()'s cut even with 64 KiB of bytes.
    auto const big = make_typed_array("Buffer", std::string(65536, 'x'));
    auto const b = brief(big, 40);
    EXPECT_EQ(b.rfind(R"({"$typedarray":"Buffer","base64":"eHh4)", 0), 0u) << b;
}

TEST(value, typed_array_wire_form_is_checked)
{
    // Non-canonical padding bits decode to the same bytes: equal bytes compare equal.
    EXPECT_EQ(from_wire(json{{"$typedarray", "Uint8Array"}, {"base64", "AR=="}}),
              make_typed_array("Uint8Array", "\x01"));
    EXPECT_THROW(from_wire(json{{"$typedarray", "Uint8Array"}}), std::invalid_argument);
    EXPECT_THROW(from_wire(json{{"$typedarray", ""}, {"base64", ""}}), std::invalid_argument);
    EXPECT_THROW(from_wire(json{{"$typedarray", 1}, {"base64", ""}}), std::invalid_argument);
    EXPECT_THROW(from_wire(json{{"$typedarray", "Buffer"}, {"base64", "!!!!"}}), std::invalid_argument);
    EXPECT_THROW(from_wire(json{{"$typedarray", "Buffer"}, {"base64", ""}, {"byteOffset", 0}}),
                 std::invalid_argument);
    EXPECT_THROW(from_wire(json::array({json{{"$typedarray", "Buffer"}, {"base64", 5}}})), std::invalid_argument);
}
