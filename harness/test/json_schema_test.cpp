#include "test_env.hpp"

#include <sockconf/common/json_file.hpp>
#include <sockconf/harness/json_schema.hpp>
#include <sockconf/harness/lint.hpp>

#include <filesystem>

using namespace sockconf;
using namespace sockconf::harness;

namespace {

json_schema schema_of(char const* text) { return json_schema::from_json(json::parse(text), "s.json"); }

/// "ID POINTER" of each error, to compare in one line.
std::vector<std::string> said(json_schema const& s, char const* doc)
{
    std::vector<std::string> out;
    for (auto const& e : s.validate(json::parse(doc), "d.json"))
        out.push_back(e.id() + " " + e.pointer());
    return out;
}

using lines = std::vector<std::string>;

json_schema const& project_schema(std::string const& name)
{
    static std::map<std::string, json_schema> cache;
    auto it = cache.find(name);
    if (it == cache.end())
        it = cache.emplace(name, json_schema::load(test_env::source("specs/schemas/" + name + ".schema.json"))).first;
    return it->second;
}

std::vector<std::string> json_files(std::string const& dir, std::string const& name = "")
{
    std::vector<std::string> out;
    for (auto const& e : std::filesystem::recursive_directory_iterator(dir))
        if (e.path().extension() == ".json" && (name.empty() || e.path().filename() == name))
            out.push_back(e.path().string());
    return out;
}

} // namespace

TEST(json_schema, each_keyword_reports_with_the_ids_the_loaders_use)
{
    auto const s = schema_of(R"({"type": "object", "required": ["a"], "additionalProperties": false,
      "properties": {"a": {"type": "integer", "minimum": 1, "maximum": 9}, "b": {"enum": ["x", "y"]},
                     "c": {"type": "string", "minLength": 1, "pattern": "^[a-z]+$"}, "d": {"const": 1},
                     "e": {"type": "array", "minItems": 1, "items": {"type": "boolean"}},
                     "f": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "integer"}], "items": false,
                           "minItems": 2}}})");
    EXPECT_EQ(said(s, R"({"a": 5, "b": "x", "c": "ok", "d": 1.0, "e": [true], "f": [1, 2]})"), lines{});
    EXPECT_EQ(said(s, R"({"z": 1})"), (lines{"E-MISSING /", "E-UNKNOWN-KEY /z"}));
    EXPECT_EQ(said(s, R"({"a": "1"})"), lines{"E-TYPE /a"});
    EXPECT_EQ(said(s, R"({"a": 1.5})"), lines{"E-TYPE /a"});
    EXPECT_EQ(said(s, R"({"a": 0})"), lines{"E-RANGE /a"});
    EXPECT_EQ(said(s, R"({"a": 10})"), lines{"E-RANGE /a"});
    EXPECT_EQ(said(s, R"({"a": 1, "b": "z", "d": 2})"), (lines{"E-ENUM /b", "E-ENUM /d"}));
    EXPECT_EQ(said(s, R"({"a": 1, "c": ""})"), (lines{"E-EMPTY /c", "E-SCHEMA /c"}));
    EXPECT_EQ(said(s, R"({"a": 1, "c": "A"})"), lines{"E-SCHEMA /c"});
    EXPECT_EQ(said(s, R"({"a": 1, "e": []})"), lines{"E-EMPTY /e"});
    EXPECT_EQ(said(s, R"({"a": 1, "e": [true, 1, "x"]})"), (lines{"E-TYPE /e/1", "E-TYPE /e/2"}));
    EXPECT_EQ(said(s, R"({"a": 1, "f": [1, 2, 3]})"), lines{"E-RANGE /f"});
    EXPECT_EQ(said(s, R"({"a": 1, "f": [1, "2"]})"), lines{"E-TYPE /f/1"});
    EXPECT_EQ(said(s, R"({"a": 1, "f": [1]})"), lines{"E-RANGE /f"});
    EXPECT_EQ(said(s, R"([])"), lines{"E-TYPE /"});
}

TEST(json_schema, a_message_says_what_was_expected_and_found)
{
    auto const s = schema_of(R"({"type": "object", "properties": {"grade": {"enum": ["PASS", "NON-STRICT"]},
      "n": {"type": ["integer", "string"]}}, "additionalProperties": false})");
    auto const errs = s.validate(json::parse(R"({"grade": "FAIL", "n": null, "x/y": 1})"), "f.json");
    ASSERT_EQ(errs.size(), 3u);
    EXPECT_STREQ(errs[0].what(), R"(f.json:/grade: expected one of "PASS", "NON-STRICT", got "FAIL" [E-ENUM])");
    EXPECT_STREQ(errs[1].what(), R"(f.json:/n: expected an integer or a string, got null null [E-TYPE])");
    EXPECT_STREQ(errs[2].what(), R"(f.json:/x~1y: unknown member "x/y" (allowed: grade, n) [E-UNKNOWN-KEY])");
}

TEST(json_schema, refs_resolve_within_the_schema)
{
    auto const s = schema_of(R"({"$defs": {"node": {"type": "object", "properties": {"kids": {"type": "array",
      "items": {"$ref": "#/$defs/node"}}, "n": {"type": "integer"}}, "additionalProperties": false}},
      "$ref": "#/$defs/node"})");
    EXPECT_EQ(said(s, R"({"kids": [{"kids": [{"n": 1}]}]})"), lines{});
    EXPECT_EQ(said(s, R"({"kids": [{"kids": [{"n": "1", "m": 2}]}]})"),
              (lines{"E-UNKNOWN-KEY /kids/0/kids/0/m", "E-TYPE /kids/0/kids/0/n"}));
}

TEST(json_schema, a_value_of_no_allowed_form_gets_the_errors_of_the_form_it_came_closest_to)
{
    auto const s = schema_of(R"({"type": "array", "items": {"anyOf": [
      {"title": "a call step", "type": "object", "properties": {"call": {"type": "string"}, "as": {"type": "string"}},
       "required": ["call"], "additionalProperties": false},
      {"title": "a wait step", "type": "object", "properties": {"wait": {"anyOf": [{"type": "string"},
        {"type": "object", "properties": {"for": {"type": "string"}}, "required": ["for"], "additionalProperties": false}]}},
       "required": ["wait"], "additionalProperties": false}]}})");
    EXPECT_EQ(said(s, R"([{"call": "f"}, {"wait": "x"}, {"wait": {"for": "x"}}])"), lines{});
    // the call step it is: an unknown member, a wrong type deeper in
    EXPECT_EQ(said(s, R"([{"call": "f", "az": "t"}])"), lines{"E-UNKNOWN-KEY /0/az"});
    EXPECT_EQ(said(s, R"([{"call": 5}])"), lines{"E-TYPE /0/call"});
    EXPECT_EQ(said(s, R"([{"wait": {"for": 1}}])"), lines{"E-TYPE /0/wait/for"});
    // none comes closer than another: the forms allowed, once
    auto const errs = s.validate(json::parse(R"([{"cal": "f"}])"), "d.json");
    ASSERT_EQ(errs.size(), 1u);
    EXPECT_EQ(errs[0].id(), "E-SCHEMA");
    EXPECT_EQ(errs[0].pointer(), "/0");
    EXPECT_NE(std::string(errs[0].what()).find("expected one of: a call step; a wait step"), std::string::npos)
        << errs[0].what();
}

TEST(json_schema, one_of_refuses_a_value_of_two_forms)
{
    auto const s = schema_of(R"({"oneOf": [{"type": "integer"}, {"type": "number"}]})");
    EXPECT_EQ(said(s, "1.5"), lines{});
    EXPECT_EQ(said(s, "1"), lines{"E-SCHEMA /"});
}

TEST(json_schema, a_schema_outside_the_subset_is_refused_when_loaded)
{
    for (auto const* text : {R"({"type": "object", "patternProperties": {"^x": {}}})",
                             R"({"$ref": "#/$defs/missing"})", R"({"$ref": "other.json#/x"})",
                             R"({"type": "strin"})", R"({"pattern": "("})", R"({"anyOf": []})",
                             R"({"properties": {"a": {"if": {}}}})"}) {
        try {
            schema_of(text);
            ADD_FAILURE() << "accepted " << text;
        } catch (spec_error const& e) {
            EXPECT_EQ(e.id(), "E-SCHEMA-FILE") << text;
        }
    }
}

TEST(json_schema, the_project_schemas_accept_every_file_of_the_tree)
{
    std::vector<std::pair<std::string, std::vector<std::string>>> const sets = {
        {"case", json_files(test_env::source("suites"))},
        {"case", {test_env::fixture("good_echo.json"), test_env::fixture("outcomes.json"),
                  test_env::fixture("wrong_echo.json")}},
        {"profile", json_files(test_env::source("specs/profiles"))},
        {"profile", json_files(test_env::fixture("profiles"))},
        {"expectations", json_files(test_env::source("reports/platforms"), "expectations.json")},
        {"report", json_files(test_env::source("reports/platforms"), "report.json")},
    };
    std::size_t files = 0;
    for (auto const& [name, paths] : sets)
        for (auto const& p : paths) {
            ++files;
            for (auto const& e : project_schema(name).validate(read_json_file(p), p))
                ADD_FAILURE() << e.what();
        }
    EXPECT_GE(files, 28u + 3u + 7u + 4u + 5u + 5u);
}

TEST(json_schema, the_case_schema_reports_every_error_of_a_file)
{
    auto const file = test_env::fixture("lint/three-errors.json");
    auto const errs = project_schema("case").validate(read_json_file(file), file);
    std::vector<std::string> got;
    for (auto const& e : errs)
        got.push_back(e.id() + " " + e.pointer());
    EXPECT_EQ(got, (lines{"E-UNKNOWN-KEY /cases/0/steps/0/argz", "E-TYPE /cases/1/timeout_ms",
                          "E-ENUM /cases/2/outcomes/0/grade"}));
}

TEST(loader, a_file_reports_every_bad_case_and_keeps_none_of_its_cases)
{
    // Without the schema: the loader's first error of each case.
    auto const three = test_env::fixture("lint/three-errors.json");
    auto r = load_suites({three}, test_env::api(), test_env::clauses());
    std::vector<std::string> got;
    for (auto const& e : r.errors)
        got.push_back(e.id() + " " + e.pointer());
    EXPECT_EQ(got, (lines{"E-UNKNOWN-KEY /cases/0/steps/0/argz", "E-TYPE /cases/1/timeout_ms",
                          "E-ENUM /cases/2/outcomes/0/grade"}));
    EXPECT_TRUE(r.cases.empty());

    auto const semantic = test_env::fixture("lint/semantic-errors.json");
    auto const& schema = project_schema("case");
    r = load_suites({semantic}, test_env::api(), test_env::clauses(), "", &schema);
    got.clear();
    for (auto const& e : r.errors)
        got.push_back(e.id() + " " + e.pointer());
    EXPECT_EQ(got, (lines{"E-CASE-CLAUSE /cases/0/clauses/0", "E-CASE-NAME /cases/1/steps/0/wait",
                          "E-CASE-VARIABLE /cases/2/steps/0/args/url"}));
}

TEST(lint, checks_the_tree_and_names_every_error)
{
    auto const home = test_env::source("");
    auto ok = lint({home, test_env::source("specs/profiles/wechat.json"), test_env::source("specs/settings.json"), {}});
    for (auto const& e : ok.errors)
        ADD_FAILURE() << e.what();
    EXPECT_GE(ok.cases, 200u);
    EXPECT_EQ(ok.profile_id, "wechat");

    auto bad = lint({home, test_env::source("specs/profiles/wechat.json"), test_env::source("specs/settings.json"),
                     {test_env::fixture("lint/three-errors.json"), test_env::fixture("lint/semantic-errors.json"),
                      test_env::source("reports/platforms/taro-h5/expectations.json")}});
    EXPECT_EQ(bad.errors.size(), 6u);
    for (auto const& e : bad.errors)
        EXPECT_NE(e.file().find("fixtures/lint/"), std::string::npos) << e.what();
}
