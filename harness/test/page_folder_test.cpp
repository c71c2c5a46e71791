// page_folder.hpp: which folder --iut-page names, and the profile its platform.json gives.
#include <sockconf/harness/page_folder.hpp>

#include <sockconf/common/spec_error.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace sockconf;
using namespace sockconf::harness;
namespace fs = std::filesystem;

namespace {

struct temp_tree {
    fs::path root = fs::temp_directory_path() / ("sockconf-page-folder-" + std::to_string(::getpid()));
    temp_tree() { fs::remove_all(root); }
    ~temp_tree() { fs::remove_all(root); }
    fs::path write(fs::path const& rel, std::string const& text) const
    {
        fs::create_directories((root / rel).parent_path());
        std::ofstream(root / rel) << text;
        return root / rel;
    }
};

} // namespace

TEST(page_folder, a_name_or_a_path_names_the_homes_folder_and_a_built_folder_is_itself)
{
    temp_tree t;
    auto const home = (t.root / "home").string();
    // (A name no folder here has: a relative PAGE that is a built folder is that folder.)
    for (auto const* page : {"adapters/browser/zz-mine", "zz-mine", "zz-mine/", "somewhere/else/zz-mine"}) {
        auto const f = resolve_page_folder(home, page);
        EXPECT_EQ(f.platform, "zz-mine") << page;
        EXPECT_EQ(f.dir, fs::path(home) / "adapters/browser/zz-mine") << page;
    }
    // `sockconf init browser` makes a folder anywhere; once built, it is served itself.
    t.write("mine/my-platform/dist/bundle.mjs", "");
    auto const built = resolve_page_folder(home, (t.root / "mine/my-platform").string());
    EXPECT_EQ(built.platform, "my-platform");
    EXPECT_EQ(built.dir, t.root / "mine/my-platform");
}

TEST(page_folder, the_profile_is_platform_jsons_and_a_bad_file_is_named)
{
    temp_tree t;
    page_folder const f{"p", t.root / "p"};
    EXPECT_EQ(platform_profile(f), std::nullopt) << "no platform.json";
    t.write("p/platform.json", R"({"name": "p", "title": "P"})");
    EXPECT_EQ(platform_profile(f), std::nullopt) << "none named";
    t.write("p/platform.json", R"({"name": "p", "profile": "taro-rn"})");
    EXPECT_EQ(platform_profile(f), "taro-rn");
    t.write("p/platform.json", R"({"name": "p", "profile": 7})");
    try {
        platform_profile(f);
        FAIL() << "a number is no profile";
    } catch (spec_error const& e) {
        EXPECT_EQ(e.id(), "E-TYPE");
        EXPECT_NE(std::string(e.what()).find("platform.json:/profile"), std::string::npos) << e.what();
    }
    t.write("p/platform.json", "{");
    EXPECT_THROW(platform_profile(f), spec_error);
}

TEST(page_folder, every_shipped_platform_folder_names_an_existing_profile)
{
    std::string const home = SOCKCONF_SOURCE_DIR;
    int seen = 0;
    for (auto const& d : fs::directory_iterator(fs::path(home) / "adapters/browser")) {
        if (!fs::is_regular_file(d.path() / "platform.json"))
            continue;
        auto const p = platform_profile(resolve_page_folder(home, d.path().filename().string()));
        ASSERT_TRUE(p) << d.path();
        EXPECT_TRUE(fs::is_regular_file(fs::path(home) / "specs/profiles" / (*p + ".json"))) << *p;
        ++seen;
    }
    EXPECT_GE(seen, 5);
}
