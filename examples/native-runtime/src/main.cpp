// native-runtime-suites: sockconf's suites run in process against "my runtime"
// (my_runtime_driver.hpp), the way a native SDK's own test program would, with nothing but
// the installed sockconf package (find_package(sockconf CONFIG)):
//
//   native-runtime-suites [--data DIR] [--profile ID] [--filter GLOB] [--jobs N] [--report-dir DIR]
//
//   --data        the specs/ and suites/ to run (default: the installed package's share/sockconf)
//   --profile     the platform profile the runtime claims (DATA/specs/profiles/ID.json; default wechat)
//   --filter      only the cases whose id matches (glob, comma: alternatives; default all)
//   --jobs        cases at once, each on a fresh instance (default 32)
//   --report-dir  where report.json, junit.xml, report.md and report.html go (default ./report)
//
// Prints a line per case and a summary; exit 0 when every result is conforming (PASS,
// NON-STRICT, INFORMATIONAL or SKIP), 1 when one is not, 2 for bad arguments or data,
// 3 when the echo servers cannot start.
#include "my_runtime_driver.hpp"

#include <sockconf/echo/servers.hpp>
#include <sockconf/harness/api_catalog.hpp>
#include <sockconf/harness/clause_catalog.hpp>
#include <sockconf/harness/expectations.hpp>
#include <sockconf/harness/invariants.hpp>
#include <sockconf/harness/loader.hpp>
#include <sockconf/harness/run.hpp>
#include <sockconf/harness/settings.hpp>
#include <sockconf/reports/report_dir.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>

namespace harness = sockconf::harness;
namespace reports = sockconf::reports;

namespace {

struct options {
    std::string data = SOCKCONF_DATA_DIR;
    std::string profile = "wechat";
    std::string filter;
    int jobs = 32;
    std::string report_dir = "report";
};

bool parse(int argc, char** argv, options& o)
{
    for (int i = 1; i < argc; ++i) {
        std::string_view const arg = argv[i];
        if (i + 1 >= argc) {
            std::cerr << "native-runtime-suites: " << arg << " wants a value\n";
            return false;
        }
        std::string const value = argv[++i];
        if (arg == "--data")
            o.data = value;
        else if (arg == "--profile")
            o.profile = value;
        else if (arg == "--filter")
            o.filter = value;
        else if (arg == "--report-dir")
            o.report_dir = value;
        else if (arg == "--jobs" && std::atoi(value.c_str()) > 0)
            o.jobs = std::atoi(value.c_str());
        else {
            std::cerr << "native-runtime-suites: unknown option or bad value: " << arg << " " << value << "\n";
            return false;
        }
    }
    return true;
}

int run(options const& o)
{
    // The normative side: clauses (their levels under the profile), invariants, the API surface,
    // the profile and the harness's timings; then the cases.
    auto clauses = harness::clause_catalog::load_dir(o.data + "/specs/clauses");
    auto const known_clause = [&](std::string const& id) { return clauses.find(id) != nullptr; };
    auto const invariants = harness::invariant_catalog::load(o.data + "/specs/invariants.json", known_clause);
    auto const api = harness::api_catalog::load(o.data + "/specs/api.json", known_clause);
    auto const prof = sockconf::profile::load(o.data + "/specs/profiles/" + o.profile + ".json");
    clauses.apply_profile(prof.raw);
    auto const settings = harness::harness_settings::load(harness::settings_path(o.data, ""));
    auto loaded = harness::load_suites({o.data + "/suites"}, api, clauses, o.data + "/suites");
    for (auto const& e : loaded.errors)
        std::cerr << "error: " << e.what() << "\n";
    if (!loaded.errors.empty())
        return 2;
    auto const cases = harness::select_cases(std::move(loaded.cases), {o.filter});
    if (cases.empty()) {
        std::cerr << "native-runtime-suites: no case matches --filter " << o.filter << "\n";
        return 2;
    }

    // The peers of every case: sockconf's WebSocket and TCP echo servers on loopback.
    sockconf::echo::servers servers;
    try {
        servers.start();
    } catch (std::exception const& e) {
        std::cerr << "native-runtime-suites: cannot start the echo servers: " << e.what() << "\n";
        return 3;
    }
    my_sdk::my_runtime_factory factory(prof, servers.ca_pem());
    auto const hello = factory.describe();
    harness::run_env const env{prof, settings, api, clauses, invariants, servers, factory, hello};

    reports::run_report report;
    report.info.iut = hello;
    report.info.profile = prof.id;
    report.info.jobs = o.jobs;
    report.info.filter = o.filter;
    report.info.tool_version = "native-runtime example";
    std::cout << "running " << cases.size() << " case(s) against " << hello.value("name", std::string("?"))
              << " (profile " << prof.id << "), " << o.jobs << " at once\n";
    auto const t0 = std::chrono::steady_clock::now();
    auto const progress = [](std::size_t done, std::size_t total, reports::case_result const& r) {
        std::cout << "[" << done << "/" << total << "] " << reports::to_string(r.result) << " " << r.id << "\n";
    };
    report.cases = harness::run_attempts(cases, env, o.jobs, harness::expectations(), {}, progress,
                                         [](std::string const&, std::size_t) {});
    servers.stop();
    report.info.duration_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

    for (auto const& path : reports::write_report_dir(report, o.report_dir))
        std::cout << "wrote " << path << "\n";
    std::cout << "cases: " << report.cases.size() << ", PASS: " << report.count(reports::status::pass)
              << ", NON-STRICT: " << report.count(reports::status::non_strict)
              << ", FAIL: " << report.count(reports::status::fail) << ", ERROR: " << report.count(reports::status::error)
              << ", not conforming: " << report.unexpected() << "\n";
    return report.unexpected() ? 1 : 0;
}

} // namespace

int main(int argc, char** argv)
{
    options o;
    if (!parse(argc, argv, o))
        return 2;
    try {
        return run(o);
    } catch (std::exception const& e) { // a spec or case file that does not load, a report that cannot be written
        std::cerr << "native-runtime-suites: " << e.what() << "\n";
        return 2;
    }
}
