#include <sockconf/bench/result.hpp>

#include <boost/version.hpp>

#include <sys/utsname.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace sockconf::bench {

namespace {

json cpu_json(double client, std::optional<double> server)
{
    return {{"client", client}, {"server", server ? json(*server) : json(nullptr)}};
}

/// Two decimals are plenty for rates and microseconds, and keep files diffable.
double round2(double v) { return std::round(v * 100.0) / 100.0; }

} // namespace

json per_cpu_second(double rate, json const& cpu)
{
    auto const of = [&](char const* who) {
        auto const it = cpu.find(who);
        return it != cpu.end() && it->is_number() && it->get<double>() > 0 ? json(round2(rate / it->get<double>()))
                                                                            : json(nullptr);
    };
    return {{"client", of("client")}, {"server", of("server")}};
}

double result_rate(json const& r)
{
    if (!r.is_object())
        return 0.0;
    auto const kind = r.find("kind");
    bool const handshake = kind != r.end() && kind->is_string() && *kind == "handshake";
    auto const it = r.find(handshake ? "per_s" : "msgs_per_s");
    return it != r.end() && it->is_number() ? it->get<double>() : 0.0;
}

json throughput_json(measurement_id const& id, load_options const& o, load_result const& r,
                     std::optional<double> server_cpu)
{
    json buckets = json::array();
    for (auto const& [upper, count] : r.latency.buckets())
        buckets.push_back({round2(upper), count});
    json j = {
        {"kind", "throughput"},
        {"scenario", id.scenario},
        {"target", id.target},
        {"transport", id.transport},
        {"payload", to_string(o.payload)},
        {"size", o.size},
        {"connections", o.connections},
        {"in_flight", o.in_flight},
        {"duration_s", round2(r.duration_s)},
        {"messages", r.messages},
        {"msgs_per_s", round2(r.msgs_per_s())},
        {"mb_per_s", round2(r.mb_per_s())},
        {"latency_us",
         {{"p50", round2(r.latency.percentile_us(0.50))},
          {"p90", round2(r.latency.percentile_us(0.90))},
          {"p99", round2(r.latency.percentile_us(0.99))},
          {"p999", round2(r.latency.percentile_us(0.999))},
          {"max", round2(r.latency.max_us())},
          {"buckets", std::move(buckets)}}},
        {"cpu", cpu_json(round2(r.client_cpu), server_cpu ? std::optional(round2(*server_cpu)) : std::nullopt)},
    };
    j["per_cpu_s"] = per_cpu_second(r.msgs_per_s(), j["cpu"]);
    if (!r.error.empty())
        j["error"] = r.error;
    if (r.mismatches != 0)
        j["mismatches"] = r.mismatches;
    return j;
}

json handshake_json(measurement_id const& id, handshake_options const& o, handshake_result const& r,
                    std::optional<double> server_cpu)
{
    json j = {
        {"kind", "handshake"},
        {"scenario", id.scenario},
        {"target", id.target},
        {"transport", id.transport},
        {"concurrency", o.concurrency},
        {"duration_s", round2(r.duration_s)},
        {"handshakes", r.handshakes},
        {"per_s", round2(r.per_s())},
        {"cpu", cpu_json(round2(r.client_cpu), server_cpu ? std::optional(round2(*server_cpu)) : std::nullopt)},
    };
    j["per_cpu_s"] = per_cpu_second(r.per_s(), j["cpu"]);
    if (r.failures != 0)
        j["failures"] = r.failures;
    if (!r.error.empty())
        j["error"] = r.error;
    return j;
}

json machine_json()
{
    std::string model;
    std::ifstream cpuinfo("/proc/cpuinfo");
    for (std::string line; std::getline(cpuinfo, line);)
        if (line.rfind("model name", 0) == 0) {
            model = line.substr(line.find(':') + 2);
            break;
        }
    utsname u{};
    ::uname(&u);
    double load[1] = {0};
    ::getloadavg(load, 1);
#if defined(__clang__)
    std::string const compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
    std::string const compiler = "g++ " __VERSION__;
#else
    std::string const compiler = "unknown";
#endif
    return {
        {"cpu_model", model},
        {"cores", std::thread::hardware_concurrency()},
        {"kernel", std::string(u.sysname) + " " + u.release},
        {"compiler", compiler},
        {"boost", std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000)},
        {"load_avg", round2(load[0])},
    };
}

std::string utc_now()
{
    auto const t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

json bench_document(std::string const& command, std::string const& started_at, json results)
{
    return {
        {"format", "sockconf-bench"}, {"version", 1},           {"started_at", started_at},
        {"command", command},         {"machine", machine_json()}, {"results", std::move(results)},
    };
}

} // namespace sockconf::bench
