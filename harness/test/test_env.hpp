// Shared by the harness tests: the project's own specs, and a live environment
// (echo servers + the in-process reference) for running fixture cases.
#pragma once

#include <sockconf/common/profile.hpp>
#include <sockconf/echo/servers.hpp>
#include <sockconf/harness/api_catalog.hpp>
#include <sockconf/harness/case_runner.hpp>
#include <sockconf/harness/clause_catalog.hpp>
#include <sockconf/harness/invariants.hpp>
#include <sockconf/harness/loader.hpp>
#include <sockconf/harness/settings.hpp>

#include <gtest/gtest.h>

namespace sockconf::harness::test_env {

inline std::string source(std::string const& rel) { return std::string(SOCKCONF_SOURCE_DIR) + "/" + rel; }
inline std::string fixture(std::string const& rel) { return std::string(SOCKCONF_FIXTURES) + "/" + rel; }

inline api_catalog const& api()
{
    static auto const a = api_catalog::load(source("specs/api.json"));
    return a;
}
inline clause_catalog const& clauses()
{
    static auto const c = clause_catalog::load_dir(source("specs/clauses"));
    return c;
}
inline invariant_catalog const& invariants()
{
    static auto const i = invariant_catalog::load(source("specs/invariants.json"),
                                                  [](std::string const& id) { return clauses().find(id) != nullptr; });
    return i;
}
inline profile const& wechat()
{
    static auto const p = profile::load(source("specs/profiles/wechat.json"));
    return p;
}
inline harness_settings const& settings()
{
    static auto const s = harness_settings::load(source("specs/settings.json"));
    return s;
}

/// A case from JSON written in a test (validated by the loader, as a file's would be).
inline test_case make_case(json const& doc) { return parse_case(doc, "inline.json", "", api(), clauses()); }

/// Echo servers and the reference, up for the whole test binary.
class live_env {
public:
    live_env()
    {
        servers_.start();
        factory_ = make_reference_factory(wechat(), servers_.ca_pem());
        hello_ = factory_->describe();
    }
    run_env env() { return {wechat(), settings(), api(), clauses(), invariants(), servers_, *factory_, hello_, false, nullptr}; }
    echo::servers& servers() { return servers_; }

    test_case load(std::string const& file, std::size_t index = 0)
    {
        auto r = load_suites({fixture(file)}, api(), clauses());
        if (!r.errors.empty())
            throw r.errors.front();
        return r.cases.at(index);
    }

    test_case by_id(std::string const& file, std::string const& id)
    {
        auto r = load_suites({fixture(file)}, api(), clauses());
        for (auto& c : r.cases)
            if (c.id == id)
                return c;
        throw std::runtime_error("no case " + id);
    }

private:
    echo::servers servers_;
    std::unique_ptr<driver_factory> factory_;
    json hello_;
};

} // namespace sockconf::harness::test_env
