#include "test_env.hpp"

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace sockconf;
using namespace sockconf::harness;

TEST(clause_catalog, every_clause_cites_a_seed_and_a_quote)
{
    auto const& all = test_env::clauses().all();
    EXPECT_GE(all.size(), 20u);
    for (auto const& [id, c] : all) {
        EXPECT_FALSE(c.quote.empty()) << id;
        EXPECT_FALSE(c.statement.empty()) << id;
    }
    EXPECT_NE(test_env::clauses().find("WS-TASK-CLOSE-CODE-DEFAULT-1000"), nullptr);
}

namespace {
spec_error load_error(std::string const& text)
{
    auto const path = std::filesystem::temp_directory_path() / ("clauses-" + std::to_string(::getpid()) + ".json");
    std::ofstream(path) << text;
    try {
        clause_catalog c;
        c.load_file(path.string());
    } catch (spec_error const& e) {
        std::filesystem::remove(path);
        return e;
    }
    std::filesystem::remove(path);
    throw std::runtime_error("no error");
}
std::string const good = R"("area":"a","level":"MUST","statement":"s","quote":"q")";
} // namespace

TEST(clause_catalog, rejects_unknown_seed_duplicates_and_bad_levels)
{
    auto e = load_error(R"({"clauses":[{"id":"X-1","seed":"999.txt",)" + good + "}]}");
    EXPECT_EQ(e.id(), "E-CLAUSE-SEED");
    EXPECT_EQ(e.pointer(), "/clauses/0/seed");
    e = load_error(R"({"clauses":[{"id":"X-1","seed":"000_05231f431c8ee144.txt",)" + good +
                   R"(},{"id":"X-1","seed":"000_05231f431c8ee144.txt",)" + good + "}]}");
    EXPECT_EQ(e.id(), "E-CLAUSE-DUPLICATE");
    EXPECT_EQ(e.pointer(), "/clauses/1/id");
    e = load_error(R"({"clauses":[{"id":"x-lower","seed":"000_05231f431c8ee144.txt",)" + good + "}]}");
    EXPECT_EQ(e.id(), "E-CLAUSE-ID");
}

TEST(clause_catalog, a_level_follows_the_profile_where_levels_say_so)
{
    auto const path = std::filesystem::temp_directory_path() / ("clauses-lv-" + std::to_string(::getpid()) + ".json");
    std::ofstream(path) << R"({"clauses":[{"id":"X-1","seed":"004_27f3de5c060c6d4e.txt","area":"a","level":"SHOULD",
        "levels":[{"when":{"id":{"regex":"^taro"}},"level":"MUST"}],"statement":"s","quote":"q"},
        {"id":"X-2","seed":"004_27f3de5c060c6d4e.txt","area":"a","level":"SHOULD","statement":"s","quote":"q"}]})";
    clause_catalog taro, wechat;
    taro.load_file(path.string());
    wechat.load_file(path.string());
    std::filesystem::remove(path);
    taro.apply_profile(json{{"id", "taro-rn"}});
    wechat.apply_profile(json{{"id", "wechat"}});
    EXPECT_EQ(taro.find("X-1")->level, clause_level::must);
    EXPECT_EQ(wechat.find("X-1")->level, clause_level::should);
    EXPECT_EQ(taro.find("X-2")->level, clause_level::should);

    auto e = load_error(R"({"clauses":[{"id":"X-1","seed":"004_27f3de5c060c6d4e.txt",)" + good +
                        R"(,"levels":[{"when":{"id":"taro"},"level":"REQUIRED"}]}]})");
    EXPECT_EQ(e.id(), "E-ENUM");
    EXPECT_EQ(e.pointer(), "/clauses/0/levels/0/level");
}
