#include <sockconf/common/json_file.hpp>
#include <sockconf/common/profile.hpp>
#include <sockconf/harness/settings.hpp>
#include <sockconf/harness/api_catalog.hpp>
#include <sockconf/harness/clause_catalog.hpp>
#include <sockconf/harness/expectations.hpp>
#include <sockconf/harness/invariants.hpp>
#include <sockconf/harness/json_schema.hpp>
#include <sockconf/harness/lint.hpp>
#include <sockconf/harness/loader.hpp>
#include <sockconf/reports/report_reader.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>

namespace sockconf::harness {

namespace fs = std::filesystem;

namespace {

class linter {
public:
    explicit linter(std::string home) : home_(std::move(home)) {}

    std::vector<spec_error> errors;

    /// The schema specs/schemas/NAME.schema.json; nullopt (and its error) when it cannot be used.
    std::optional<json_schema> const& schema(std::string const& name)
    {
        auto it = schemas_.find(name);
        if (it == schemas_.end()) {
            std::optional<json_schema> s;
            try {
                s = json_schema::load(home_ + "/specs/schemas/" + name + ".schema.json");
            } catch (spec_error const& e) {
                add(e);
            }
            it = schemas_.emplace(name, std::move(s)).first;
        }
        return it->second;
    }

    /// `path` against the schema, then (when the schema found nothing) its loader.
    /// True when the file has no error.
    bool check(std::string const& path, std::string const& schema_name, std::function<void(json const&)> const& load)
    {
        auto const before = errors.size();
        try {
            auto const doc = read_json_file(path);
            if (auto const& s = schema(schema_name))
                for (auto& e : s->validate(doc, path))
                    add(std::move(e));
            if (errors.size() == before)
                load(doc);
        } catch (spec_error const& e) {
            add(e);
        }
        return errors.size() == before;
    }

    void add(spec_error e)
    {
        // One problem found twice (a profile that is both active and shipped) is said once.
        if (std::none_of(errors.begin(), errors.end(), [&](spec_error const& x) { return x.what() == std::string(e.what()); }))
            errors.push_back(std::move(e));
    }

private:
    std::string home_;
    std::map<std::string, std::optional<json_schema>> schemas_;
};

std::string format_of(std::string const& path)
{
    try {
        auto const doc = read_json_file(path);
        if (doc.is_object())
            if (auto f = doc.find("format"); f != doc.end() && f->is_string())
                return f->get<std::string>();
    } catch (spec_error const&) {
        // read again, and reported, as a case file
    }
    return "";
}

} // namespace

lint_result lint(lint_options const& o)
{
    lint_result out;
    linter l(o.home);
    std::optional<clause_catalog> clauses;
    std::optional<api_catalog> api;
    try {
        clauses = clause_catalog::load_dir(o.home + "/specs/clauses");
        auto const known_clause = [&](std::string const& id) { return clauses->find(id) != nullptr; };
        invariant_catalog::load(o.home + "/specs/invariants.json", known_clause);
        api = api_catalog::load(o.home + "/specs/api.json", known_clause);
        out.clauses = clauses->all().size();
    } catch (spec_error const& e) {
        l.add(e);
    }

    l.check(o.settings_file, "settings", [&](json const& doc) { (void)harness_settings::from_json(doc, o.settings_file); });

    // Every profile, not only the active one.
    auto const load_profile = [](std::string const& path) {
        return [path](json const& doc) { (void)profile::from_json(doc, path); };
    };
    std::vector<std::string> profiles;
    std::error_code ec;
    for (auto const& e : fs::directory_iterator(o.home + "/specs/profiles", ec))
        if (e.path().extension() == ".json")
            profiles.push_back(e.path().string());
    std::sort(profiles.begin(), profiles.end());
    for (auto const& p : profiles)
        l.check(p, "profile", load_profile(p));
    // The active profile: its id from the one parse that checks it.
    l.check(o.profile_file, "profile",
            [&](json const& doc) { out.profile_id = profile::from_json(doc, o.profile_file).id; });

    // Named expectations files and reports are checked as what they are; the rest are case files.
    std::vector<std::string> case_paths;
    auto const check_other = [&](std::string const& path) {
        auto const format = format_of(path);
        if (format == "sockconf-expectations")
            l.check(path, "expectations", [&](json const& doc) { (void)expectations::from_json(doc, path); });
        else if (format == "sockconf-report")
            l.check(path, "report", [&](json const& doc) { (void)reports::report_from_json(doc, path); });
        else
            return false;
        return true;
    };
    if (o.files.empty()) {
        case_paths.push_back(o.home + "/suites");
        std::vector<std::string> baselines;
        for (auto const& e : fs::directory_iterator(o.home + "/reports/platforms", ec))
            if (auto const f = e.path() / "expectations.json"; fs::is_regular_file(f, ec))
                baselines.push_back(f.string());
        std::sort(baselines.begin(), baselines.end());
        for (auto const& f : baselines)
            check_other(f);
    } else {
        for (auto const& f : o.files)
            if (fs::is_directory(f, ec) || !check_other(f))
                case_paths.push_back(f);
    }

    if (clauses && api && !case_paths.empty()) {
        auto const& schema = l.schema("case");
        auto loaded = load_suites(case_paths, *api, *clauses, o.home + "/suites", schema ? &*schema : nullptr);
        out.cases = loaded.cases.size();
        for (auto& e : loaded.errors)
            l.add(std::move(e));
    }
    out.errors = std::move(l.errors);
    return out;
}

} // namespace sockconf::harness
