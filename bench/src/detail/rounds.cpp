#include "rounds.hpp"

#include <sockconf/bench/labels.hpp>
#include <sockconf/bench/result.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

namespace sockconf::bench::detail {

namespace {

/// The median result (by rate) of several runs of one measurement, each run
/// carrying its "round" (run_all); with its "runs" (ascending) and "rounds" (in
/// round order: what peer_ratios.hpp pairs).
json median_of(std::vector<json> runs)
{
    json rounds = json::array();
    for (auto& r : runs) {
        json const none;
        rounds.push_back({{"round", r.value("round", 0)},
                          {"rate", result_rate(r)},
                          {"per_server_cpu_s", r.contains("per_cpu_s") ? r["per_cpu_s"].value("server", none) : none}});
        r.erase("round");
    }
    std::sort(runs.begin(), runs.end(), [&](json const& a, json const& b) { return result_rate(a) < result_rate(b); });
    auto m = runs[runs.size() / 2];
    if (runs.size() > 1) {
        json all = json::array();
        for (auto const& r : runs)
            all.push_back(result_rate(r));
        m["runs"] = all; // every run's rate, ascending
        m["rounds"] = std::move(rounds);
    }
    return m;
}

std::string progress_line(json const& r)
{
    auto const cpu = [&](char const* who) {
        auto const& c = r["cpu"][who];
        return c.is_null() ? std::string("-") : fmt::format("{:.2f}", c.get<double>());
    };
    // The rate per CPU-second of the side measured: the server's, or the IUT's (the client).
    auto const per_cpu = [&](char const* who) {
        auto const& p = r.contains("per_cpu_s") ? r["per_cpu_s"][who] : json();
        return p.is_number() ? rate_label(p.get<double>()) : std::string("-");
    };
    std::string tail = r.contains("error") ? "  error: " + r["error"].get<std::string>() : "";
    if (r["kind"] == "unavailable")
        return "unavailable: " + r["unavailable"].get<std::string>();
    char const* side = r.value("scenario", "") == "iut" ? "client" : "server";
    if (r["kind"] == "handshake")
        return fmt::format("{:>9}/s handshakes  cpu client {} server {}  {}/{}-cpu-s{}", rate_label(r["per_s"].get<double>()),
                           cpu("client"), cpu("server"), per_cpu(side), side, tail);
    auto const& l = r["latency_us"];
    return fmt::format("{:>9} msgs/s {:>9.1f} MB/s  p50 {:.0f} p99 {:.0f} p99.9 {:.0f} us  cpu client {} server {}  {}/{}-cpu-s{}",
                       rate_label(r["msgs_per_s"].get<double>()), r["mb_per_s"].get<double>(), l["p50"].get<double>(),
                       l["p99"].get<double>(), l["p999"].get<double>(), cpu("client"), cpu("server"), per_cpu(side), side,
                       tail);
}

} // namespace

void group_side_by_side(std::vector<measurement>& ms)
{
    std::vector<std::string> order;
    for (auto const& m : ms)
        if (std::find(order.begin(), order.end(), m.group) == order.end())
            order.push_back(m.group);
    std::stable_sort(ms.begin(), ms.end(), [&](measurement const& a, measurement const& b) {
        return std::find(order.begin(), order.end(), a.group) < std::find(order.begin(), order.end(), b.group);
    });
}

json run_all(std::vector<measurement> const& ms, unsigned repeats, std::atomic<bool> const* interrupted)
{
    std::vector<std::vector<json>> runs(ms.size());
    std::size_t done = 0;
    std::size_t const total = ms.size() * repeats;
    auto const width = std::to_string(total).size();
    auto const stopped = [&] { return interrupted && interrupted->load(); };
    for (unsigned rep = 0; rep < repeats && !stopped(); ++rep)
        for (std::size_t i = 0; i < ms.size() && !stopped(); ++i) {
            json r;
            try {
                r = ms[i].run();
            } catch (std::exception const& e) {
                r = {{"error", e.what()}};
            }
            ++done;
            if (stopped()) { // cut short: not a measurement of the window asked for
                std::cout << fmt::format("[{:>{}}/{}] {:<52} interrupted\n", done, width, total, ms[i].label) << std::flush;
                break;
            }
            if (r.contains("kind"))
                std::cout << fmt::format("[{:>{}}/{}] {:<52} {}\n", done, width, total, ms[i].label, progress_line(r));
            else
                std::cout << fmt::format("[{:>{}}/{}] {:<52} failed: {}\n", done, width, total, ms[i].label,
                                         r["error"].get<std::string>());
            std::cout << std::flush;
            if (r.contains("kind")) {
                r["round"] = rep;
                runs[i].push_back(std::move(r));
            }
        }
    json results = json::array();
    for (auto& rs : runs)
        if (!rs.empty())
            results.push_back(median_of(std::move(rs)));
    return results;
}

} // namespace sockconf::bench::detail
