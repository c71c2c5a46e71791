#include <sockconf/harness/page_folder.hpp>

#include <sockconf/common/json_file.hpp>
#include <sockconf/common/json_reader.hpp>

namespace sockconf::harness {

namespace fs = std::filesystem;

page_folder resolve_page_folder(std::string const& home, std::string const& page)
{
    page_folder out;
    out.platform = fs::path(page).lexically_normal().filename().string();
    if (out.platform.empty() || out.platform == "." || out.platform == "..")
        out.platform = fs::absolute(page).lexically_normal().parent_path().filename().string(); // "DIR/"
    out.dir = fs::is_regular_file(fs::path(page) / "dist/bundle.mjs") ? fs::absolute(page).lexically_normal()
                                                                       : fs::path(home) / "adapters/browser" / out.platform;
    return out;
}

std::optional<std::string> platform_profile(page_folder const& folder)
{
    auto const file = folder.dir / "platform.json";
    if (!fs::is_regular_file(file))
        return std::nullopt;
    auto const doc = read_json_file(file.string());
    json_reader const r(doc, file.string());
    r.expect_object();
    if (auto const p = r.find("profile"))
        return p->non_empty_string();
    return std::nullopt;
}

} // namespace sockconf::harness
