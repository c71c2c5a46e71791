#include <sockconf/common/json_reader.hpp>

#include <gtest/gtest.h>

using namespace sockconf;

namespace {
std::string error_of(std::function<void()> const& fn)
{
    try {
        fn();
    } catch (spec_error const& e) {
        return e.what();
    }
    return "no error";
}
} // namespace

TEST(json_reader, errors_name_file_pointer_and_id)
{
    json doc = json::parse(R"({"steps":[{"call":"x"},{"call":5}]})");
    json_reader r(doc, "case.json");
    auto msg = error_of([&] { r.at("steps").at(std::size_t{1}).at("call").string(); });
    EXPECT_EQ(msg, "case.json:/steps/1/call: expected a string, got number 5 [E-TYPE]");
    msg = error_of([&] { r.at("title"); });
    EXPECT_EQ(msg, "case.json:/: required member \"title\" is missing [E-MISSING]");
}

TEST(json_reader, unknown_keys_are_errors)
{
    json doc = json::parse(R"({"id":"a","tilte":"typo"})");
    json_reader r(doc, "f.json");
    auto msg = error_of([&] { r.only_keys({"id", "title"}); });
    EXPECT_EQ(msg, "f.json:/tilte: unknown member \"tilte\" (allowed: id, title) [E-UNKNOWN-KEY]");
}

TEST(json_reader, ranges_and_pointer_escaping)
{
    json doc = json::parse(R"({"a/b":{"n":7}})");
    json_reader r(doc, "f.json");
    auto msg = error_of([&] { r.at("a/b").at("n").integer_in(0, 5); });
    EXPECT_EQ(msg, "f.json:/a~1b/n: expected an integer from 0 to 5, got 7 [E-RANGE]");
}
