// sockconf: the command line. Exceptions stop here: spec errors exit 2,
// infrastructure errors (servers, report files) exit 3.
#include <sockconf/bench/command.hpp>
#include <sockconf/common/profile.hpp>
#include <sockconf/echo/serve.hpp>
#include <sockconf/echo/servers.hpp>
#include <sockconf/harness/api_catalog.hpp>
#include <sockconf/harness/clause_catalog.hpp>
#include <sockconf/harness/loader.hpp>
#include <sockconf/common/json_file.hpp>
#include <sockconf/harness/expectations.hpp>
#include <sockconf/harness/process_driver.hpp>
#include <sockconf/harness/remote_driver.hpp>
#include <sockconf/harness/run.hpp>
#include <sockconf/reports/report_dir.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using namespace sockconf;

namespace {

constexpr int exit_ok = 0, exit_unexpected = 1, exit_usage = 2, exit_infra = 3;
constexpr char const* version = "0.1.0";

std::atomic<bool> interrupted{false};

extern "C" void on_sigint(int)
{
    interrupted = true;
    std::signal(SIGINT, SIG_DFL); // a second Ctrl-C ends the process at once
}

/// Where specs/ and suites/ are: --home, $SOCKCONF_HOME, the current directory
/// if it holds them, else the source tree sockconf was built from.
std::string find_home(std::string const& flag)
{
    if (!flag.empty())
        return flag;
    if (auto const* env = std::getenv("SOCKCONF_HOME"))
        return env;
    if (fs::exists("specs/api.json") && fs::is_directory("suites"))
        return ".";
    return SOCKCONF_SOURCE_DIR;
}

std::string profile_path(std::string const& home, std::string const& name)
{
    if (name.find('/') != std::string::npos || name.ends_with(".json"))
        return name;
    return home + "/specs/profiles/" + name + ".json";
}

struct specs {
    harness::api_catalog api;
    harness::clause_catalog clauses;
    profile prof;
};

specs load_specs(std::string const& home, std::string const& profile_name)
{
    return {harness::api_catalog::load(home + "/specs/api.json"),
            harness::clause_catalog::load_dir(home + "/specs/clauses"),
            profile::load(profile_path(home, profile_name))};
}

harness::load_result load_cases(std::string const& home, specs const& s, std::vector<std::string> paths)
{
    if (paths.empty())
        paths.push_back(home + "/suites");
    return harness::load_suites(paths, s.api, s.clauses, home + "/suites");
}

int print_errors(std::vector<spec_error> const& errors)
{
    for (auto const& e : errors)
        std::cerr << "error: " << e.what() << "\n";
    return errors.empty() ? exit_ok : exit_usage;
}

std::string iso_now()
{
    auto const t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

struct common_opts {
    std::string home, profile = "wechat", filter;
    std::vector<std::string> suites;
};

void add_common(CLI::App* cmd, common_opts& o, bool with_filter = true)
{
    cmd->add_option("--home", o.home, "Folder holding specs/ and suites/ (default: $SOCKCONF_HOME, ., or the source tree)");
    cmd->add_option("--profile", o.profile, "Profile id (specs/profiles/ID.json) or a profile file")->capture_default_str();
    cmd->add_option("--suites", o.suites, "Case files or folders (default: HOME/suites)");
    if (with_filter)
        cmd->add_option("--filter", o.filter, "Only cases whose id matches this glob (comma: alternatives)");
}

struct run_opts {
    // Cases spend their time waiting on sockets and timers, not computing: run
    // several per core (8 on this project's 2-core CI machine).
    int jobs = static_cast<int>(std::max(8u, 4 * std::thread::hardware_concurrency()));
    std::string report_dir = "sockconf-report";
    bool slow = false;
    std::string iut; ///< empty: the in-process reference
    std::string browser, iut_page; ///< the remote driver
    int pages = 4;
    std::string expectations, update_expectations;
};

int cmd_run(common_opts const& o, run_opts const& ro)
{
    // Pages are the IUT instances of a browser run: one case per page at a time.
    auto const jobs = ro.iut_page.empty() ? ro.jobs : std::min(ro.jobs, ro.pages);
    auto const& report_dir = ro.report_dir;
    auto const home = find_home(o.home);
    auto const s = load_specs(home, o.profile);
    auto loaded = load_cases(home, s, o.suites);
    if (!loaded.errors.empty())
        return print_errors(loaded.errors);
    // Read before the run: a bad expectations file must not cost a run.
    harness::expectations const expected =
        ro.expectations.empty() ? harness::expectations() : harness::expectations::load(ro.expectations);
    std::vector<harness::test_case> cases;
    for (auto& c : loaded.cases)
        if (harness::id_matches(o.filter, c.id))
            cases.push_back(std::move(c));
    if (cases.empty()) {
        std::cerr << "error: no case matches --filter \"" << o.filter << "\"\n";
        return exit_usage;
    }

    echo::servers servers;
    try {
        servers.start();
    } catch (std::exception const& e) {
        std::cerr << "error: cannot start the echo servers: " << e.what() << "\n";
        return exit_infra;
    }
    std::unique_ptr<harness::driver_factory> factory;
    if (!ro.iut_page.empty()) {
        // A browser needs seconds to start and load a page: more than one wait.
        auto const hello_wait = std::max<std::int64_t>(30'000, s.prof.timings.wait_timeout_ms);
        auto remote = harness::make_remote_factory(
            {home, ro.iut_page, ro.browser, ro.pages, std::chrono::milliseconds(hello_wait), servers.ca_pem()});
        if (ro.browser.empty())
            std::cout << "waiting for a browser or device to open " << remote->page_url() << "\n" << std::flush;
        factory = std::move(remote);
    } else if (!ro.iut.empty()) {
        factory = harness::make_process_factory(
            {ro.iut, s.prof, servers.ca_pem(), std::chrono::milliseconds(s.prof.timings.wait_timeout_ms)});
    } else {
        factory = harness::make_reference_factory(s.prof, servers.ca_pem());
    }
    auto hello = factory->describe();
    if (hello.contains("error")) {
        std::cerr << "error: the IUT did not start: " << hello["error"].get<std::string>() << "\n";
        return exit_infra;
    }
    harness::run_env env{s.prof, s.api, s.clauses, servers, *factory, hello, ro.slow, &interrupted};

    std::signal(SIGINT, on_sigint);
    std::cout << fmt::format("sockconf {}: {} case(s) against {} {} (profile {}), {} job(s); servers {}, {} and tcp {}:{}\n",
                             version, cases.size(), hello.value("name", "?"), hello.value("version", "?"),
                             s.prof.id, jobs, servers.ws_url(), servers.wss_url(), servers.host(), servers.tcp_port())
              << std::flush;
    auto const t0 = std::chrono::steady_clock::now();
    reports::run_report report;
    report.info.tool_version = version;
    report.info.started_at = iso_now();
    report.info.iut = hello;
    report.info.profile = s.prof.id;
    report.info.jobs = jobs;
    report.info.filter = o.filter;
    std::set<std::string> cited;
    for (auto const& c : cases)
        cited.insert(c.clauses.begin(), c.clauses.end());
    for (auto const& id : cited)
        if (auto const* cl = s.clauses.find(id))
            report.clauses.push_back({cl->id, harness::to_string(cl->level), cl->area, cl->seed, cl->statement});

    auto const width = std::to_string(cases.size()).size();
    report.cases = harness::run_cases(cases, env, jobs, [&](std::size_t done, std::size_t total, reports::case_result const& r) {
        std::cout << fmt::format("[{:>{}}/{}] {:<13} {} ({:.0f} ms)\n", done, width, total,
                                 reports::to_string(r.result), r.id, r.duration_ms);
        if (!reports::conforming(r.result) || r.result == reports::status::skip)
            std::cout << "      " << r.message << "\n";
        if (!reports::conforming(r.result) && r.failed) {
            std::cout << "      at " << r.failed->where << "\n      trace:\n";
            for (auto const& e : r.trace)
                std::cout << "        " << reports::trace_line(e) << "\n";
        }
        std::cout << std::flush;
    });
    std::signal(SIGINT, SIG_DFL);
    servers.stop();
    report.info.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    report.info.interrupted = interrupted;
    report.info.expectations = expected.file();
    for (auto& r : report.cases)
        expected.apply(r);

    int rc = exit_ok;
    try {
        for (auto const& path : reports::write_report_dir(report, report_dir))
            std::cout << "wrote " << path << "\n";
    } catch (std::exception const& e) {
        std::cerr << "error: " << e.what() << "\n";
        rc = exit_infra;
    }

    std::size_t passed = 0, failed = 0, skipped = 0;
    for (auto const& r : report.cases) {
        if (r.result == reports::status::skip) ++skipped;
        else if (reports::conforming(r.result)) ++passed;
        else ++failed;
    }
    auto const n = report.counts();
    std::string detail;
    for (std::size_t i = 0; i < n.size(); ++i)
        if (n[i])
            detail += fmt::format("{}{} {}", detail.empty() ? "" : ", ", n[i], reports::to_string(static_cast<reports::status>(i)));
    std::cout << fmt::format("{} in {:.1f} s{}\n", detail, report.info.duration_ms / 1000.0,
                             interrupted ? " (interrupted: cases not run are SKIP)" : "");
    std::cout << fmt::format("{} passed, {} failed", passed, failed)
              << (skipped ? fmt::format(", {} skipped", skipped) : std::string()) << "\n";
    if (!expected.file().empty()) {
        for (auto const& r : report.cases)
            if (r.unexpected)
                std::cout << fmt::format("unexpected {}: {} (expected {}{})\n",
                                         r.result == reports::status::pass ? "pass" : std::string(reports::to_string(r.result)),
                                         r.id, r.expected.empty() ? "a conforming result" : r.expected,
                                         r.expected_reason.empty() ? "" : ": " + r.expected_reason);
        auto const stale = expected.not_run(report.cases);
        std::cout << fmt::format("{} unexpected result(s) against {}", report.unexpected(), expected.file())
                  << (stale.empty() ? "" : fmt::format(" ({} listed case(s) not run)", stale.size())) << "\n";
    }
    if (!ro.update_expectations.empty()) {
        try {
            write_json_file(ro.update_expectations, harness::expectations::from_run(report, expected));
            std::cout << "wrote " << ro.update_expectations << "\n";
        } catch (std::exception const& e) {
            std::cerr << "error: " << e.what() << "\n";
            rc = exit_infra;
        }
    }
    if (rc != exit_ok)
        return rc;
    return report.unexpected() || interrupted ? exit_unexpected : exit_ok;
}

/// Every clause with the cases that test it; untested clauses listed as such.
int list_clauses(specs const& s, harness::load_result const& loaded, std::string const& filter)
{
    std::map<std::string, std::vector<std::string>> tested_by;
    for (auto const& c : loaded.cases)
        for (auto const& id : c.clauses)
            tested_by[id].push_back(c.id);
    std::vector<std::string> untested;
    std::size_t shown = 0;
    for (auto const& [id, cl] : s.clauses.all()) {
        if (!harness::id_matches(filter, id))
            continue;
        ++shown;
        auto const it = tested_by.find(id);
        std::string cases;
        if (it == tested_by.end()) {
            untested.push_back(id);
            cases = cl.untestable.empty() ? "UNTESTED" : "UNTESTABLE HERE";
        } else {
            for (auto const& c : it->second)
                cases += (cases.empty() ? "" : ", ") + c;
        }
        std::cout << fmt::format("{:<44} {:<6} {:<22} {}\n", id, harness::to_string(cl.level), cl.area, cases);
    }
    auto const untestable = std::count_if(untested.begin(), untested.end(),
                                          [&](auto const& id) { return !s.clauses.find(id)->untestable.empty(); });
    std::cout << fmt::format("{} clause(s), {} tested, {} untested ({} of them untestable here, with the reason)\n",
                             shown, shown - untested.size(), untested.size(), untestable);
    for (auto const& id : untested) {
        auto const* cl = s.clauses.find(id);
        if (cl->untestable.empty())
            std::cout << "untested: " << id << " (" << cl->seed << ")\n";
        else
            std::cout << "untestable here: " << id << " (" << cl->seed << "): " << cl->untestable << "\n";
    }
    return print_errors(loaded.errors);
}

int cmd_list(common_opts const& o, bool clauses)
{
    auto const home = find_home(o.home);
    auto const s = load_specs(home, o.profile);
    auto loaded = load_cases(home, s, o.suites);
    if (clauses)
        return list_clauses(s, loaded, o.filter);
    std::size_t shown = 0;
    for (auto const& c : loaded.cases) {
        if (!harness::id_matches(o.filter, c.id))
            continue;
        std::string clauses;
        for (auto const& id : c.clauses)
            clauses += (clauses.empty() ? "" : ",") + id;
        std::cout << fmt::format("{:<48} {}\n{:<48}   clauses: {}\n", c.id, c.title, "", clauses);
        ++shown;
    }
    std::cout << shown << " case(s)\n";
    return print_errors(loaded.errors);
}

int cmd_lint(common_opts const& o)
{
    auto const home = find_home(o.home);
    std::vector<spec_error> errors;
    std::optional<specs> s;
    try {
        s = load_specs(home, o.profile);
    } catch (spec_error const& e) {
        errors.push_back(e);
    }
    // Every profile, not only the active one.
    std::error_code ec;
    for (auto const& e : fs::directory_iterator(home + "/specs/profiles", ec)) {
        if (e.path().extension() != ".json")
            continue;
        try {
            profile::load(e.path().string());
        } catch (spec_error const& err) {
            if (std::none_of(errors.begin(), errors.end(), [&](auto const& x) { return x.file() == err.file(); }))
                errors.push_back(err);
        }
    }
    if (!s)
        return print_errors(errors);
    auto loaded = load_cases(home, *s, o.suites);
    errors.insert(errors.end(), loaded.errors.begin(), loaded.errors.end());
    if (errors.empty()) {
        std::cout << fmt::format("ok: {} case(s), {} clause(s), profile {}\n", loaded.cases.size(),
                                 s->clauses.all().size(), s->prof.id);
        return exit_ok;
    }
    print_errors(errors);
    std::cerr << errors.size() << " error(s)\n";
    return exit_usage;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"sockconf: conformance, compliance and benchmark harness for the mini-program socket APIs "
                 "(wx.connectSocket / SocketTask, wx.createTCPSocket / TCPSocket)"};
    app.set_version_flag("--version", std::string("sockconf ") + version);
    app.require_subcommand(0, 1);

    common_opts run_o, list_o, lint_o;
    run_opts run_ro;
    auto* run = app.add_subcommand("run", "Run the suites (default: all, against the built-in reference) and write a report");
    add_common(run, run_o);
    run->add_option("--jobs,-j", run_ro.jobs, "Cases run in parallel")->capture_default_str()->check(CLI::Range(1, 256));
    run->add_option("--report-dir", run_ro.report_dir, "Where report.json, junit.xml and report.md go")->capture_default_str();
    auto* iut_opt = run->add_option("--iut", run_ro.iut,
                    "Test this program instead of the built-in reference: a shell command speaking the adapter "
                    "protocol on stdin/stdout (specs/adapter-protocol.md), started once per case");
    run->add_option("--iut-page", run_ro.iut_page,
                    "Test a platform in a browser: its page folder (adapters/browser/NAME); sockconf serves the page "
                    "and a control WebSocket, pages that open it are the IUT")
        ->excludes(iut_opt);
    run->add_option("--browser", run_ro.browser,
                    "Launch this browser on the --iut-page (chromium, via adapters/browser/launch.mjs); without it, "
                    "sockconf prints the page URL and waits for a browser or device to open it")
        ->check(CLI::IsMember({"chromium"}));
    run->add_option("--pages", run_ro.pages, "Pages the launched browser opens (instances reused between cases)")
        ->capture_default_str()->check(CLI::Range(1, 16));
    run->add_option("--expectations", run_ro.expectations,
                    "The IUT's known results (case id -> status, flaky list): the run fails only on unexpected "
                    "results, an unexpected pass included")
        ->check(CLI::ExistingFile);
    run->add_option("--update-expectations", run_ro.update_expectations,
                    "After the run, write an expectations file that accepts its results (reasons of --expectations kept)");
    run->add_flag("--slow", run_ro.slow, "Also run cases marked slow (long real waits, e.g. a 60 s default timeout); otherwise they are SKIP");

    bool list_clauses_flag = false;
    auto* list = app.add_subcommand("list", "Print the cases (or, with --clauses, the clauses and what tests them)");
    add_common(list, list_o);
    list->add_flag("--clauses", list_clauses_flag, "Every clause with the cases that test it; untested ones as such (--filter then selects clause ids)");

    auto* lint = app.add_subcommand("lint", "Validate specs, profiles and cases; exit 2 on any error");
    add_common(lint, lint_o, false);
    lint->add_option("files", lint_o.suites, "Case files or folders (default: HOME/suites)");

    echo::server_options serve_o;
    bool serve_json = false;
    auto* serve = app.add_subcommand("serve", "Run the echo servers until Ctrl-C and print their URLs");
    serve->add_option("--host", serve_o.host, "Address to bind (loopback)")->capture_default_str();
    serve->add_option("--ws-port", serve_o.ws_port, "WebSocket port (0: ephemeral)")->capture_default_str();
    serve->add_option("--tcp-port", serve_o.tcp_port, "TCP echo port (0: ephemeral)")->capture_default_str();
    serve->add_flag("--json", serve_json, "Print the URLs as one JSON line");
    serve->add_option("--max-message-bytes", serve_o.max_message_bytes,
                      "Largest WebSocket message accepted; a bigger one is closed with 1009 (0: no limit)")
        ->capture_default_str();
    serve->add_option("--handshake-timeout-ms", serve_o.handshake_timeout_ms,
                      "Time for each step of a WebSocket opening or closing handshake, and for /hang")
        ->capture_default_str()
        ->check(CLI::Range(std::uint32_t{1}, std::numeric_limits<std::uint32_t>::max()));
    serve->add_option("--max-connections", serve_o.max_connections,
                      "Most WebSocket connections at once; more are answered 503 (0: no limit)")
        ->capture_default_str();

    bench::bench_options bench_o;
    auto* bench_cmd = bench::add_bench_command(app, bench_o);

    try {
        app.parse(argc, argv);
    } catch (CLI::ParseError const& e) {
        auto const rc = app.exit(e);
        return rc == 0 ? exit_ok : exit_usage;
    }

    try {
        if (*list) return cmd_list(list_o, list_clauses_flag);
        if (*lint) return cmd_lint(lint_o);
        if (*serve) return echo::serve_until_signal(serve_o, serve_json, std::cout);
        if (*bench_cmd) {
            auto const home = find_home(bench_o.home);
            return bench::run_bench(bench_o, home, profile_path(home, bench_o.profile));
        }
        if (!*run)
            run_o = {}; // bare `sockconf` is `sockconf run`
        return cmd_run(run_o, run_ro);
    } catch (spec_error const& e) {
        std::cerr << "error: " << e.what() << "\n";
        return exit_usage;
    } catch (std::exception const& e) {
        std::cerr << "error: " << e.what() << "\n";
        return exit_infra;
    }
}
