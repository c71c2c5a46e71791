#include <sockconf/common/utf8.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace sockconf {
namespace {

std::string const fffd = "\xEF\xBF\xBD";

TEST(utf8, well_formed_text_comes_back_unchanged)
{
    EXPECT_EQ(valid_utf8("plain"), "plain");
    EXPECT_EQ(valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
    EXPECT_EQ(valid_utf8(std::string("a\0b", 3)), std::string("a\0b", 3)); // NUL is UTF-8
    EXPECT_EQ(valid_utf8("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf");          // U+10FFFF itself
    EXPECT_EQ(valid_utf8(""), "");
}

TEST(utf8, every_byte_outside_a_well_formed_sequence_becomes_one_replacement_character)
{
    EXPECT_EQ(valid_utf8("\xff"), fffd);
    EXPECT_EQ(valid_utf8("\xc3\x28"), fffd + "(");                           // a lead byte without its continuation
    EXPECT_EQ(valid_utf8("ab\xe2\x82"), "ab" + fffd + fffd);                // cut at the end
    EXPECT_EQ(valid_utf8("\xc0\x80"), fffd + fffd);                         // overlong NUL
    EXPECT_EQ(valid_utf8("\xe0\x80\x80"), fffd + fffd + fffd);              // overlong
    EXPECT_EQ(valid_utf8("\xed\xa0\x80"), fffd + fffd + fffd);              // a surrogate (U+D800)
    EXPECT_EQ(valid_utf8("\xf4\x90\x80\x80"), fffd + fffd + fffd + fffd);   // past U+10FFFF
    EXPECT_EQ(valid_utf8("\x80x"), fffd + "x");                             // a stray continuation
}

TEST(utf8, sequence_length_and_is_utf8_follow_the_same_rules)
{
    EXPECT_EQ(utf8_sequence_length("a"), 1u);
    EXPECT_EQ(utf8_sequence_length("\xc3\xa9x"), 2u);
    EXPECT_EQ(utf8_sequence_length("\xe2\x82\xac"), 3u);
    EXPECT_EQ(utf8_sequence_length("\xf0\x9f\x98\x80"), 4u);
    EXPECT_EQ(utf8_sequence_length(""), 0u);
    EXPECT_EQ(utf8_sequence_length("\xe2\x82"), 0u);     // cut short
    EXPECT_EQ(utf8_sequence_length("\xed\xa0\x80"), 0u); // a surrogate
    EXPECT_TRUE(is_utf8("caf\xc3\xa9"));
    EXPECT_TRUE(is_utf8(""));
    EXPECT_FALSE(is_utf8("caf\xc3"));
    EXPECT_FALSE(is_utf8("\xc0\x80"));
}

TEST(utf8, the_result_is_a_json_string_that_dumps)
{
    EXPECT_THROW((void)nlohmann::json("\xff\xfe\xc3").dump(), nlohmann::json::type_error);
    EXPECT_NO_THROW((void)nlohmann::json(valid_utf8("\xff\xfe\xc3")).dump());
}

} // namespace
} // namespace sockconf
