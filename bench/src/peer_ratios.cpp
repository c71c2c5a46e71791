#include <sockconf/bench/labels.hpp>
#include <sockconf/bench/peer_ratios.hpp>
#include <sockconf/bench/result.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>

namespace sockconf::bench {

namespace {

struct round_value {
    double rate = 0;
    std::optional<double> per_server_cpu_s;
};

using rounds_by_number = std::map<long, round_value>;

// A member as text ("" when absent or not a string) or a count (0 likewise): the
// results are this bench's own, but a field of the wrong type must not throw here.
std::string text(json const& r, char const* key)
{
    auto const it = r.find(key);
    return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::size_t count(json const& r, char const* key)
{
    auto const it = r.find(key);
    return it != r.end() && it->is_number_integer() && it->get<long long>() >= 0 ? it->get<std::size_t>() : 0;
}

std::optional<double> positive(json const& j)
{
    if (j.is_number() && j.get<double>() > 0)
        return j.get<double>();
    return std::nullopt;
}

rounds_by_number rounds_of(json const& r)
{
    rounds_by_number out;
    if (auto const it = r.find("rounds"); it != r.end() && it->is_array()) {
        for (auto const& x : *it) {
            if (!x.is_object() || !x.value("round", json()).is_number_integer())
                continue;
            if (auto const rate = positive(x.value("rate", json())))
                out[x["round"].get<long>()] = {*rate, positive(x.value("per_server_cpu_s", json()))};
        }
        return out;
    }
    if (auto const rate = result_rate(r); rate > 0) {
        auto const per_cpu = r.value("per_cpu_s", json());
        out[0] = {rate, positive(per_cpu.is_object() ? per_cpu.value("server", json()) : json())};
    }
    return out;
}

std::string load_of(json const& r)
{
    if (text(r, "kind") == "handshake")
        return fmt::format("handshakes {} at a time", count(r, "concurrency"));
    return fmt::format("{} {} {}", text(r, "transport"), text(r, "payload"), size_label(count(r, "size")));
}

std::optional<ratio_spread> spread(std::vector<double> v)
{
    if (v.empty())
        return std::nullopt;
    std::sort(v.begin(), v.end());
    auto const n = v.size();
    double const median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return ratio_spread{median, v.front(), v.back()};
}

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

json to_json(ratio_spread const& s) { return {{"median", round3(s.median)}, {"min", round3(s.min)}, {"max", round3(s.max)}}; }

} // namespace

std::vector<peer_ratio> peer_ratios(json const& results)
{
    // By load: sockconf's rounds, and each peer's, in order of first appearance.
    struct load_rounds {
        std::string load;
        std::optional<rounds_by_number> ours;
        std::vector<std::pair<std::string, rounds_by_number>> peers;
    };
    std::vector<load_rounds> loads;
    auto const entry = [&](std::string const& load) -> load_rounds& {
        for (auto& l : loads)
            if (l.load == load)
                return l;
        return loads.emplace_back(load_rounds{load, std::nullopt, {}});
    };
    if (!results.is_array())
        return {};
    for (auto const& r : results) {
        if (!r.is_object())
            continue;
        auto const kind = text(r, "kind");
        if (kind != "throughput" && kind != "handshake")
            continue;
        auto const scenario = text(r, "scenario");
        auto const target = text(r, "target");
        if (scenario == "echo" && target == "sockconf-" + text(r, "transport"))
            entry(load_of(r)).ours = rounds_of(r);
        else if (scenario == "peer")
            entry(load_of(r)).peers.emplace_back(target, rounds_of(r));
    }
    std::vector<peer_ratio> out;
    for (auto const& l : loads) {
        if (!l.ours)
            continue;
        for (auto const& [peer, theirs] : l.peers) {
            std::vector<double> rate, per_cpu;
            for (auto const& [round, mine] : *l.ours) {
                auto const it = theirs.find(round);
                if (it == theirs.end())
                    continue;
                rate.push_back(mine.rate / it->second.rate);
                if (mine.per_server_cpu_s && it->second.per_server_cpu_s)
                    per_cpu.push_back(*mine.per_server_cpu_s / *it->second.per_server_cpu_s);
            }
            if (auto const r = spread(rate))
                out.push_back({l.load, peer, rate.size(), *r, spread(per_cpu)});
        }
    }
    return out;
}

json to_json(std::vector<peer_ratio> const& ratios)
{
    json out = json::array();
    for (auto const& r : ratios)
        out.push_back({{"load", r.load},
                       {"peer", r.peer},
                       {"rounds", r.rounds},
                       {"rate", to_json(r.rate)},
                       {"per_server_cpu_s", r.per_server_cpu_s ? to_json(*r.per_server_cpu_s) : json(nullptr)}});
    return out;
}

void print_peer_ratios(std::vector<peer_ratio> const& ratios, std::ostream& out)
{
    out << "\nsockconf's servers as a ratio to each peer (median of the " << (ratios.empty() ? 0 : ratios[0].rounds)
        << " rounds' ratios):\n";
    for (auto const& r : ratios) {
        auto line = fmt::format("  {:<24} vs {:<12} {:.2f}x (rounds {:.2f}-{:.2f})", r.load, r.peer, r.rate.median,
                                r.rate.min, r.rate.max);
        if (r.per_server_cpu_s)
            line += fmt::format(", per server CPU-s {:.2f}x", r.per_server_cpu_s->median);
        if (r.rounds != ratios[0].rounds)
            line += fmt::format(" [{} rounds]", r.rounds);
        out << line << "\n";
    }
}

} // namespace sockconf::bench
