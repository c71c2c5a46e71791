// header_fields.hpp: the request's fields as they came, names in lower case.
#include <sockconf/echo/header_fields.hpp>
#include <sockconf/echo/wire_log.hpp>

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace {

using sockconf::json;
using sockconf::echo::header_fields;
using sockconf::echo::wire_headers;

std::vector<std::pair<std::string, std::string>> fields_of(header_fields const& h)
{
    std::vector<std::pair<std::string, std::string>> out;
    h.for_each([&out](std::string_view n, std::string_view v) { out.emplace_back(n, v); });
    return out;
}

TEST(echo_header_fields, keeps_each_field_in_arrival_order_with_its_name_in_lower_case)
{
    header_fields h;
    h.add("Host", "127.0.0.1:9");
    h.add("X-Dup", "First");
    h.add("x-DUP", "second");
    h.add("X-Empty", "");
    EXPECT_EQ(h.size(), 4u);
    EXPECT_EQ(fields_of(h), (std::vector<std::pair<std::string, std::string>>{
                                {"host", "127.0.0.1:9"}, {"x-dup", "First"}, {"x-dup", "second"}, {"x-empty", ""}}));
}

TEST(echo_header_fields, find_joins_a_repeated_name_in_order_and_tells_absent_from_empty)
{
    header_fields const h{{"X-Dup", "first"}, {"Other", "o"}, {"x-dup", "second"}, {"x-empty", ""}};
    EXPECT_EQ(h.find("x-dup"), "first, second");
    EXPECT_EQ(h.find("other"), "o");
    EXPECT_EQ(h.find("x-empty"), "");
    EXPECT_EQ(h.find("x-absent"), std::nullopt);
    EXPECT_EQ(h.find("X-Dup"), std::nullopt); // names are looked up as stored: lower case
}

TEST(echo_header_fields, values_keep_every_byte_and_lowering_touches_only_ascii_letters)
{
    std::string const value("a\0\xff\x80 B", 6);
    header_fields h;
    h.add("X-\xc3\x89t\xe9", value);
    EXPECT_EQ(fields_of(h).at(0).first, "x-\xc3\x89t\xe9");
    EXPECT_EQ(h.find("x-\xc3\x89t\xe9"), value);
}

TEST(echo_header_fields, json_joins_repeats_before_the_utf8_check)
{
    // A repeat is one value: one part that is not UTF-8 makes the whole joined
    // value its bytes, not half text and half bytes.
    header_fields const h{{"X-A", "caf\xc3\xa9"}, {"x-a", "\xe9"}, {"X-B", "plain"}};
    EXPECT_EQ(wire_headers(h), (json{{"x-a", {{"$arraybuffer", "Y2Fmw6ksIOk="}}}, {"x-b", "plain"}}));
    EXPECT_EQ(wire_headers(header_fields{}), json::object());
}

} // namespace
