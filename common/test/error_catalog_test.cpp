#include <sockconf/common/error_catalog.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

using namespace sockconf;

TEST(error_catalog, ids_are_unique_and_well_formed)
{
    static std::regex const id_re("^E-[A-Z0-9-]+$");
    std::set<std::string_view> seen;
    for (auto const& e : error_catalog) {
        EXPECT_TRUE(std::regex_match(std::string(e.id), id_re)) << e.id;
        EXPECT_NE(e.id.back(), '-') << e.id;
        EXPECT_TRUE(seen.insert(e.id).second) << e.id << " is listed twice";
    }
    EXPECT_GE(seen.size(), 40u); // the catalog as of issue 14 held 49 ids
}

TEST(error_catalog, every_entry_has_a_meaning_an_example_and_a_section)
{
    for (auto const& e : error_catalog) {
        EXPECT_FALSE(e.meaning.empty()) << e.id;
        EXPECT_FALSE(e.example.empty()) << e.id;
        // The example is a message the code prints: it carries the id, as
        // "... [E-ID]" (spec_error) or "E-ID: ..." (an adapter's error).
        EXPECT_NE(e.example.find(e.id), std::string_view::npos) << e.id << ": " << e.example;
        EXPECT_EQ(section_of(e.area).area, e.area) << e.id;
    }
}

TEST(error_catalog, find_error_finds_listed_ids_only)
{
    auto const* t = find_error("E-TYPE");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->id, "E-TYPE");
    EXPECT_EQ(t->area, error_area::json_files);
    EXPECT_EQ(find_error("E-ADAPTER-EXIT")->area, error_area::adapters);
    EXPECT_EQ(find_error("E-NO-SUCH-ID"), nullptr);
    EXPECT_EQ(find_error("E-TYP"), nullptr); // no prefix matches
    EXPECT_EQ(find_error("e-type"), nullptr);
    EXPECT_EQ(find_error(""), nullptr);
#ifndef __SANITIZE_ADDRESS__ // GCC's ASan instrumentation makes a pointer comparison non-constant
    static_assert(find_error("E-CASE-STEP") != nullptr, "usable at compile time");
#endif
    for (auto const& e : error_catalog)
        EXPECT_EQ(find_error(e.id), &e);
}

TEST(error_catalog, every_section_is_used)
{
    for (auto const& s : error_sections) {
        bool used = false;
        for (auto const& e : error_catalog)
            used = used || e.area == s.area;
        EXPECT_TRUE(used) << s.title;
    }
}

// scripts/check-error-catalog.sh reads the ids from the header's text (the lines
// `error_entry{"E-...", error_area::...`): it must see exactly the compiled table.
TEST(error_catalog, the_check_script_reads_every_entry)
{
    std::ifstream in(SOCKCONF_SOURCE_DIR "/common/include/sockconf/common/error_catalog.hpp");
    ASSERT_TRUE(in);
    std::stringstream text;
    text << in.rdbuf();
    static std::regex const entry_re(R"re(error_entry\{"(E-[A-Z0-9-]+)", error_area::)re");
    auto const s = text.str();
    std::set<std::string> read;
    for (std::sregex_iterator it(s.begin(), s.end(), entry_re), end; it != end; ++it)
        read.insert((*it)[1].str());
    std::set<std::string> compiled;
    for (auto const& e : error_catalog)
        compiled.insert(std::string(e.id));
    EXPECT_EQ(read, compiled);
}

TEST(error_catalog, markdown_has_every_id_in_its_section)
{
    auto const md = error_catalog_markdown();
    EXPECT_EQ(md.rfind("# Error ids\n", 0), 0u);
    for (auto const& e : error_catalog) {
        auto const row = "| `" + std::string(e.id) + "` | " + std::string(e.meaning) + " | ";
        auto const at = md.find(row);
        ASSERT_NE(at, std::string::npos) << e.id;
        auto const heading = md.rfind("\n## ", at);
        ASSERT_NE(heading, std::string::npos) << e.id;
        EXPECT_EQ(md.compare(heading + 4, section_of(e.area).title.size(), section_of(e.area).title), 0) << e.id;
    }
    // An example holding backticks (a command) keeps them inside a longer fence.
    EXPECT_NE(md.find(" | `` no case with id \"ws.close.default\""), std::string::npos);
    EXPECT_NE(md.find("`sockconf list` prints the ids [E-REPRO-CASE] `` |\n"), std::string::npos);
}
