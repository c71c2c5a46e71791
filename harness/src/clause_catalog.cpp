#include <sockconf/common/json_file.hpp>
#include <sockconf/common/json_reader.hpp>
#include <sockconf/harness/clause_catalog.hpp>

#include <algorithm>
#include <filesystem>
#include <regex>

namespace sockconf::harness {

char const* to_string(clause_level level) noexcept
{
    static constexpr char const* names[] = {"MUST", "SHOULD", "MAY", "INFO"};
    return names[static_cast<int>(level)];
}

std::vector<std::string> const& seed_files()
{
    static std::vector<std::string> const files = {
        "000_05231f431c8ee144.txt", "001_b8b79b9e4eed007b.txt", "002_401a069a653de666.txt",
        "003_33a923fcde2327ef.txt", "004_27f3de5c060c6d4e.txt"};
    return files;
}

namespace {

clause_level parse_level(json_reader const& r)
{
    auto const level = r.string();
    if (level == "MUST") return clause_level::must;
    if (level == "SHOULD") return clause_level::should;
    if (level == "MAY") return clause_level::may;
    if (level == "INFO") return clause_level::info;
    r.fail("E-ENUM", "expected MUST, SHOULD, MAY or INFO, got \"" + level + "\"");
}

} // namespace

clause_catalog clause_catalog::load_dir(std::string const& dir)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        throw spec_error("E-FILE-READ", dir, "", "the clause directory does not exist");
    std::vector<std::string> files;
    for (auto const& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".json")
            files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    clause_catalog cat;
    for (auto const& f : files)
        cat.load_file(f);
    return cat;
}

void clause_catalog::load_file(std::string const& path)
{
    static std::regex const id_re("[A-Z0-9][A-Z0-9*-]*");
    auto const doc = read_json_file(path);
    json_reader r(doc, path);
    r.only_keys({"clauses", "notes"});
    auto list = r.at("clauses");
    list.expect_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto c = list.at(i);
        c.only_keys({"id", "area", "level", "levels", "statement", "seed", "quote", "decision", "untestable", "host_limits"});
        clause cl;
        cl.id = c.at("id").non_empty_string();
        if (!std::regex_match(cl.id, id_re))
            c.at("id").fail("E-CLAUSE-ID", "a clause id is upper-case letters, digits and '-', got \"" + cl.id + "\"");
        if (clauses_.count(cl.id))
            c.at("id").fail("E-CLAUSE-DUPLICATE", "clause \"" + cl.id + "\" is already defined in " +
                                                      clauses_[cl.id].file);
        cl.area = c.at("area").non_empty_string();
        cl.level = parse_level(c.at("level"));
        if (auto ls = c.find("levels")) {
            ls->expect_array();
            for (std::size_t k = 0; k < ls->size(); ++k) {
                auto l = ls->at(k);
                l.only_keys({"when", "level"});
                cl.levels.push_back({parse_pattern(l.at("when")), parse_level(l.at("level"))});
            }
        }
        cl.statement = c.at("statement").non_empty_string();
        cl.seed = c.at("seed").non_empty_string();
        auto const& seeds = seed_files();
        if (std::find(seeds.begin(), seeds.end(), cl.seed) == seeds.end())
            c.at("seed").fail("E-CLAUSE-SEED", "unknown seed file \"" + cl.seed + "\"");
        cl.quote = c.at("quote").non_empty_string();
        if (auto d = c.find("decision"))
            cl.decision = d->string();
        if (auto u = c.find("untestable"))
            cl.untestable = u->non_empty_string();
        if (auto h = c.find("host_limits")) {
            h->expect_object();
            for (auto const& [host, _] : h->value().items()) {
                if (host != "browser" && host != "node" && host != "native")
                    h->at(host).fail("E-ENUM", "a host is browser, node or native, got \"" + host + "\"");
                cl.host_limits[host] = h->at(host).non_empty_string();
            }
        }
        cl.file = path;
        clauses_[cl.id] = std::move(cl);
    }
}

void clause_catalog::apply_profile(json const& profile_raw)
{
    for (auto& [_, cl] : clauses_)
        for (auto const& l : cl.levels)
            if (!check_pattern(l.when, profile_raw)) {
                cl.level = l.level;
                break;
            }
}

clause const* clause_catalog::find(std::string const& id) const
{
    auto it = clauses_.find(id);
    return it == clauses_.end() ? nullptr : &it->second;
}

} // namespace sockconf::harness
