#include "bench_charts.hpp"

#include "html_page.hpp"

#include <sockconf/reports/html_writer.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

namespace sockconf::reports::detail {

namespace {

// Chart geometry, in px.
struct chart_layout {
    double width = 600, height = 270;
    double left = 64, right = 24, top = 26, bottom = 46;
    double pct_label = 300, pct_row = 22, pct_width = 860; // latency percentiles
    double hist_width = 380, hist_height = 130;            // one histogram
    std::size_t label_chars = 44;
};
constexpr chart_layout L{};

// Series colours, in the order targets first appear (sorted by name).
constexpr std::string_view palette[] = {"#0969da", "#cf222e", "#1a7f37", "#8250df",
                                        "#bc4c00", "#0598bc", "#bf3989", "#6e7781"};

std::optional<double> num(json const& j, char const* key)
{
    if (j.is_object() && j.contains(key) && j[key].is_number())
        return j[key].get<double>();
    return std::nullopt;
}

std::string str(json const& j, char const* key)
{
    if (j.is_object() && j.contains(key)) {
        if (j[key].is_string())
            return j[key].get<std::string>();
        if (!j[key].is_null())
            return one_line(j[key]);
    }
    return {};
}

std::string size_label(double bytes)
{
    if (bytes >= 1 << 20 && std::fmod(bytes, 1 << 20) == 0)
        return fmt::format("{} MiB", bytes / (1 << 20));
    if (bytes >= 1 << 10 && std::fmod(bytes, 1 << 10) == 0)
        return fmt::format("{} KiB", bytes / (1 << 10));
    return fmt::format("{} B", bytes);
}

/// A log10 axis covering [lo, hi] in whole decades.
struct log_axis {
    double lo = 1, hi = 10;
    log_axis(double min, double max)
    {
        lo = std::pow(10, std::floor(std::log10(min)));
        hi = std::pow(10, std::ceil(std::log10(max)));
        if (hi <= lo)
            hi = lo * 10;
    }
    /// 0 at lo, 1 at hi.
    double at(double v) const { return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)); }
    std::vector<double> ticks() const
    {
        std::vector<double> t;
        for (double v = lo; v <= hi * 1.0001; v *= 10)
            t.push_back(v);
        return t;
    }
};

struct series {
    std::string name;
    std::string_view colour;
    std::map<double, double> values; // category (message size) -> value
};

std::string legend(std::vector<series> const& s)
{
    std::string out = "<p class=\"legend\">";
    for (auto const& one : s)
        out += fmt::format("<span><svg width=\"12\" height=\"12\" aria-hidden=\"true\"><rect width=\"12\" height=\"12\" "
                           "fill=\"{}\"/></svg> {}</span>",
                           one.colour, html_escape(one.name));
    return out + "</p>\n";
}

/// Grouped bars: one group per message size, one bar per series, log y.
std::string bar_chart(std::string const& title, std::string const& unit, std::vector<double> const& sizes,
                      std::vector<series> const& s)
{
    double min = INFINITY, max = 0;
    for (auto const& one : s)
        for (auto [_, v] : one.values)
            if (v > 0) {
                min = std::min(min, v);
                max = std::max(max, v);
            }
    if (!(max > 0) || sizes.empty())
        return {};
    log_axis const axis(min, max);
    auto const pw = L.width - L.left - L.right, ph = L.height - L.top - L.bottom;
    auto y = [&](double v) { return L.top + ph * (1 - axis.at(v)); };
    std::string svg = fmt::format("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
                                  "viewBox=\"0 0 {0:.0f} {1:.0f}\" role=\"img\" aria-label=\"{2}\">\n"
                                  "<text x=\"{3:.0f}\" y=\"16\" class=\"lane-head\">{2}</text>\n",
                                  L.width, L.height, html_escape(title), L.left);
    for (auto t : axis.ticks())
        svg += fmt::format("<line class=\"grid\" x1=\"{0:.0f}\" x2=\"{1:.0f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\"/>"
                           "<text x=\"{3:.0f}\" y=\"{4:.1f}\" text-anchor=\"end\">{5}</text>\n",
                           L.left, L.width - L.right, y(t), L.left - 4, y(t) + 4, short_number(t));
    auto const group = pw / static_cast<double>(sizes.size());
    auto const bar = group * 0.8 / static_cast<double>(std::max<std::size_t>(1, s.size()));
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        auto const gx = L.left + group * static_cast<double>(i) + group * 0.1;
        for (std::size_t k = 0; k < s.size(); ++k) {
            auto it = s[k].values.find(sizes[i]);
            if (it == s[k].values.end() || !(it->second > 0))
                continue;
            auto const top = y(it->second);
            svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\">"
                               "<title>{} at {}: {} {}</title></rect>\n",
                               gx + bar * static_cast<double>(k), top, std::max(1.0, bar - 1), L.top + ph - top,
                               s[k].colour, html_escape(s[k].name), size_label(sizes[i]), short_number(it->second),
                               html_escape(unit));
        }
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"middle\">{}</text>\n",
                           L.left + group * (static_cast<double>(i) + 0.5), L.top + ph + 16, size_label(sizes[i]));
    }
    svg += fmt::format("<line class=\"axis\" x1=\"{0:.0f}\" x2=\"{1:.0f}\" y1=\"{2:.0f}\" y2=\"{2:.0f}\"/>"
                       "<text x=\"{3:.0f}\" y=\"{4:.0f}\" text-anchor=\"middle\">message size (log scale: {5})</text>\n",
                       L.left, L.width - L.right, L.top + ph, L.left + pw / 2, L.height - 8, html_escape(unit));
    return svg + "</svg>\n";
}

std::string result_label(json const& r)
{
    return fmt::format("{} {} {} {}", str(r, "target"), str(r, "transport"), str(r, "payload"),
                       num(r, "size") ? size_label(*num(r, "size")) : std::string("?"));
}

/// One row per result: p50 to p99.9 as a bar, p90/p99 ticks, max as a cross; log x in µs.
std::string percentile_chart(std::vector<json const*> const& results)
{
    double min = INFINITY, max = 0;
    std::vector<json const*> rows;
    for (auto const* r : results) {
        auto const& lat = member(*r, "latency_us");
        auto const p50 = num(lat, "p50");
        if (!p50 || *p50 <= 0)
            continue;
        rows.push_back(r);
        min = std::min(min, *p50);
        for (char const* k : {"p90", "p99", "p999", "max"})
            if (auto v = num(lat, k); v && *v > 0)
                max = std::max(max, *v);
        max = std::max(max, *p50);
    }
    if (rows.empty())
        return {};
    log_axis const axis(min, max);
    auto const x0 = L.pct_label, pw = L.pct_width - L.pct_label - L.right;
    auto x = [&](double v) { return x0 + pw * axis.at(std::max(v, axis.lo)); };
    auto const height = L.top + L.pct_row * static_cast<double>(rows.size()) + 30;
    std::string svg = fmt::format("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
                                  "viewBox=\"0 0 {0:.0f} {1:.0f}\" role=\"img\" aria-label=\"latency percentiles\">\n"
                                  "<text x=\"4\" y=\"16\" class=\"lane-head\">latency, µs (log scale): bar p50–p99.9, "
                                  "ticks p90 and p99, × max</text>\n",
                                  L.pct_width, height);
    for (auto t : axis.ticks())
        svg += fmt::format("<line class=\"grid\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.0f}\" y2=\"{2:.0f}\"/>"
                           "<text x=\"{0:.1f}\" y=\"{3:.0f}\" text-anchor=\"middle\">{4}</text>\n",
                           x(t), L.top, height - 24, height - 10, short_number(t));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto const& r = *rows[i];
        auto const& lat = member(r, "latency_us");
        auto const y = L.top + L.pct_row * (static_cast<double>(i) + 0.5);
        auto const p50 = *num(lat, "p50");
        auto const p999 = num(lat, "p999").value_or(num(lat, "p99").value_or(p50));
        std::string tip = result_label(r) + ":";
        for (char const* k : {"p50", "p90", "p99", "p999", "max"})
            if (auto v = num(lat, k))
                tip += fmt::format(" {} {}", k, short_number(*v));
        svg += fmt::format("<g><title>{}</title><text x=\"4\" y=\"{:.1f}\">{}</text>", html_escape(tip), y + 4,
                           html_escape(utf8_cut(result_label(r), L.label_chars)));
        svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"10\" fill=\"#0969da\" opacity=\"0.6\"/>",
                           x(p50), y - 5, std::max(1.0, x(p999) - x(p50)));
        for (char const* k : {"p90", "p99"})
            if (auto v = num(lat, k); v && *v > 0)
                svg += fmt::format("<line class=\"axis\" x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\"/>", x(*v),
                                   y - 7, y + 7);
        if (auto v = num(lat, "max"); v && *v > 0)
            svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">×</text>", x(*v), y + 4);
        svg += "</g>\n";
    }
    return svg + "</svg>\n";
}

/// A log-bucket histogram: bucket i spans (previous upper bound, its upper bound].
std::string histogram(json const& r)
{
    auto const& b = member(member(r, "latency_us"), "buckets");
    std::vector<std::pair<double, double>> buckets;
    for (auto const& e : b)
        if (e.is_array() && e.size() == 2 && e[0].is_number() && e[1].is_number() && e[0].get<double>() > 0)
            buckets.emplace_back(e[0].get<double>(), e[1].get<double>());
    if (buckets.empty())
        return {};
    std::sort(buckets.begin(), buckets.end());
    double peak = 0;
    for (auto [_, n] : buckets)
        peak = std::max(peak, n);
    log_axis const axis(buckets.front().first / 2, buckets.back().first);
    auto const left = 40.0, plot_w = L.hist_width - left - L.right, plot_h = L.hist_height - 44;
    auto x = [&](double v) { return left + plot_w * axis.at(std::max(v, axis.lo)); };
    std::string svg = fmt::format("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
                                  "viewBox=\"0 0 {0:.0f} {1:.0f}\" role=\"img\" aria-label=\"latency histogram\">\n"
                                  "<text x=\"4\" y=\"14\">{2}</text>\n",
                                  L.hist_width, L.hist_height, html_escape(utf8_cut(result_label(r), L.label_chars + 10)));
    double prev = buckets.front().first / 2;
    for (auto [ub, n] : buckets) {
        auto const h = peak > 0 ? plot_h * n / peak : 0;
        svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#0969da\">"
                           "<title>≤ {} µs: {}</title></rect>\n",
                           x(prev), 20 + plot_h - h, std::max(1.0, x(ub) - x(prev) - 0.5), h, short_number(ub),
                           short_number(n));
        prev = ub;
    }
    for (auto t : axis.ticks())
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"middle\">{}</text>", x(t), 20 + plot_h + 14,
                           short_number(t));
    svg += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" text-anchor=\"middle\">µs (log scale)</text>\n", left + plot_w / 2,
                       L.hist_height - 4);
    return svg + "</svg>\n";
}

std::string cell(std::optional<double> v) { return v ? short_number(*v) : std::string("–"); }

std::string cpu_cells(json const& r)
{
    auto const& cpu = member(r, "cpu");
    return fmt::format("<td class=\"num\">{}</td><td class=\"num\">{}</td>", cell(num(cpu, "client")),
                       cell(num(cpu, "server")));
}

std::string throughput_part(std::vector<json const*> const& results)
{
    // One pair of charts per transport and payload; a series per target (and
    // per load shape when a target was measured with several).
    std::map<std::pair<std::string, std::string>, std::vector<json const*>> groups;
    std::set<std::string> targets;
    for (auto const* r : results) {
        groups[{str(*r, "transport"), str(*r, "payload")}].push_back(r);
        targets.insert(str(*r, "target"));
    }
    std::map<std::string, std::string_view> colour;
    for (auto const& t : targets)
        colour[t] = palette[colour.size() % std::size(palette)];

    std::string out;
    for (auto const& [key, rs] : groups) {
        std::map<std::string, std::set<std::pair<double, double>>> shapes;
        for (auto const* r : rs)
            shapes[str(*r, "target")].insert({num(*r, "connections").value_or(0), num(*r, "in_flight").value_or(0)});
        std::vector<series> msgs, mb;
        std::set<double> sizes;
        for (auto const* r : rs) {
            auto const size = num(*r, "size");
            if (!size)
                continue;
            sizes.insert(*size);
            auto const target = str(*r, "target");
            auto name = shapes[target].size() > 1
                            ? fmt::format("{} ({}×{})", target, num(*r, "connections").value_or(0), num(*r, "in_flight").value_or(0))
                            : target;
            auto put = [&](std::vector<series>& s, char const* field) {
                auto it = std::find_if(s.begin(), s.end(), [&](series const& x) { return x.name == name; });
                if (it == s.end())
                    it = s.insert(s.end(), series{name, colour[target], {}});
                if (auto v = num(*r, field))
                    it->values[*size] = *v;
            };
            put(msgs, "msgs_per_s");
            put(mb, "mb_per_s");
        }
        std::vector<double> const categories(sizes.begin(), sizes.end());
        auto const what = fmt::format("{} {}", key.first.empty() ? "?" : key.first, key.second);
        out += "<h3>Throughput: " + html_escape(what) + "</h3>\n" + legend(msgs) + "<div class=\"charts\">" +
               bar_chart("messages/s, " + what, "msgs/s", categories, msgs) +
               bar_chart("MB/s, " + what, "MB/s", categories, mb) + "</div>\n";
    }
    out += "<table><tr><th>scenario</th><th>target</th><th>transport</th><th>payload</th><th>size</th>"
           "<th class=\"num\">conns</th><th class=\"num\">in flight</th><th class=\"num\">s</th>"
           "<th class=\"num\">messages</th><th class=\"num\">msgs/s</th><th class=\"num\">MB/s</th>"
           "<th class=\"num\">p50 µs</th><th class=\"num\">p99 µs</th><th class=\"num\">p99.9 µs</th>"
           "<th class=\"num\">max µs</th><th class=\"num\">cpu client</th><th class=\"num\">cpu server</th></tr>\n";
    for (auto const* r : results) {
        auto const& lat = member(*r, "latency_us");
        out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>", html_escape(str(*r, "scenario")),
                           html_escape(str(*r, "target")), html_escape(str(*r, "transport")),
                           html_escape(str(*r, "payload")), num(*r, "size") ? size_label(*num(*r, "size")) : "–");
        for (char const* k : {"connections", "in_flight", "duration_s", "messages", "msgs_per_s", "mb_per_s"})
            out += "<td class=\"num\">" + cell(num(*r, k)) + "</td>";
        for (char const* k : {"p50", "p99", "p999", "max"})
            out += "<td class=\"num\">" + cell(num(lat, k)) + "</td>";
        out += cpu_cells(*r) + "</tr>\n";
    }
    out += "</table>\n";

    out += "<h3>Latency</h3>\n" + percentile_chart(results);
    std::string hists;
    std::size_t n = 0;
    for (auto const* r : results)
        if (auto h = histogram(*r); !h.empty()) {
            hists += h;
            ++n;
        }
    if (n > 0)
        out += fmt::format("<details><summary>latency histograms ({})</summary>\n<div class=\"charts\">{}</div></details>\n",
                           n, hists);
    return out;
}

/// The in-runtime loop's results (scenario iut with an "api"): per IUT and load, the
/// platform's API beside its host's own, and their ratio; "unavailable" where the runtime
/// lacks the API. Several IUTs (results files merged) come side by side, row under row.
std::string platform_part(std::vector<json const*> const& results)
{
    // (IUT, transport, payload, size) -> api -> result; IUTs in the order they appear.
    using key = std::tuple<std::string, std::string, std::string, double>;
    std::map<key, std::map<std::string, json const*>> rows;
    std::vector<std::string> iuts;
    for (auto const* r : results) {
        auto const api = str(*r, "api");
        auto target = str(*r, "target");
        if (target.size() > api.size() && target.ends_with(" " + api))
            target.resize(target.size() - api.size() - 1);
        if (std::find(iuts.begin(), iuts.end(), target) == iuts.end())
            iuts.push_back(target);
        rows[{target, str(*r, "transport"), str(*r, "payload"), num(*r, "size").value_or(0)}][api] = r;
    }
    auto const rate = [](json const* r) {
        if (!r)
            return std::string("–");
        if (str(*r, "kind") == "unavailable")
            return "<span title=\"" + html_escape(str(*r, "unavailable")) + "\">unavailable</span>";
        return cell(num(*r, "msgs_per_s"));
    };
    auto const latency = [](json const* r) {
        if (!r || str(*r, "kind") != "throughput")
            return std::string("–");
        auto const& l = member(*r, "latency_us");
        return cell(num(l, "p50")) + " / " + cell(num(l, "p99"));
    };
    std::string out = "<h3>The platform's API against its host's own (the IUT's own loop)</h3>\n"
                      "<table><tr><th>IUT</th><th>load</th><th class=\"num\">platform msgs/s</th>"
                      "<th class=\"num\">host msgs/s</th><th class=\"num\">platform / host</th>"
                      "<th class=\"num\">platform p50 / p99 µs</th><th class=\"num\">host p50 / p99 µs</th></tr>\n";
    for (auto const& iut : iuts)
        for (auto const& row : rows) {
            // Not a structured binding: clang 14 cannot capture one in the lambda below.
            auto const& by_api = row.second;
            auto const& [target, transport, payload, size] = row.first;
            if (target != iut)
                continue;
            auto const find = [&](char const* api) {
                auto const it = by_api.find(api);
                return it == by_api.end() ? nullptr : it->second;
            };
            auto const *p = find("platform"), *h = find("host");
            std::string ratio = "–";
            if (p && h && num(*p, "msgs_per_s") && num(*h, "msgs_per_s").value_or(0) > 0)
                ratio = fmt::format("{:.2f}×", *num(*p, "msgs_per_s") / *num(*h, "msgs_per_s"));
            out += fmt::format("<tr><td>{}</td><td>{} {} {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                               "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                               html_escape(target), html_escape(transport), html_escape(payload), size_label(size),
                               rate(p), rate(h), ratio, latency(p), latency(h));
        }
    return out + "</table>\n";
}

/// `sockconf bench --peers`: sockconf's servers against each peer, the median of the
/// rounds' ratios and their range (bench's peer_ratios.hpp says why not the medians' ratio).
std::string peer_ratio_part(json const& ratios)
{
    auto const spread = [](json const& s) {
        if (!s.is_object())
            return std::string("–");
        return fmt::format("{:.2f}× <span class=\"meta\">({:.2f}–{:.2f})</span>", num(s, "median").value_or(0),
                           num(s, "min").value_or(0), num(s, "max").value_or(0));
    };
    std::string out = "<h3>sockconf's servers against each peer (median of the rounds' ratios, their range)</h3>\n"
                      "<table><tr><th>load</th><th>peer</th><th class=\"num\">rounds</th><th class=\"num\">by rate</th>"
                      "<th class=\"num\">per server CPU-s</th></tr>\n";
    for (auto const& r : ratios)
        out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                           "<td class=\"num\">{}</td></tr>\n",
                           html_escape(str(r, "load")), html_escape(str(r, "peer")), cell(num(r, "rounds")),
                           spread(member(r, "rate")), spread(member(r, "per_server_cpu_s")));
    return out + "</table>\n";
}

std::string handshake_part(std::vector<json const*> const& results)
{
    std::string out = "<h3>Handshakes (connect + upgrade + close per second)</h3>\n";
    double max = 0;
    for (auto const* r : results)
        max = std::max(max, num(*r, "per_s").value_or(0));
    auto const row_h = 22.0, height = L.top + row_h * static_cast<double>(results.size()) + 10;
    auto const x0 = L.pct_label, pw = L.pct_width - L.pct_label - 80;
    if (max > 0) {
        out += fmt::format("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
                           "viewBox=\"0 0 {0:.0f} {1:.0f}\" role=\"img\" aria-label=\"handshakes per second\">\n",
                           L.pct_width, height);
        for (std::size_t i = 0; i < results.size(); ++i) {
            auto const& r = *results[i];
            auto const v = num(r, "per_s").value_or(0);
            auto const y = L.top + row_h * static_cast<double>(i);
            auto const label = fmt::format("{} {} ×{}", str(r, "target"), str(r, "transport"), cell(num(r, "concurrency")));
            out += fmt::format("<g><title>{0}: {1}/s</title><text x=\"4\" y=\"{2:.1f}\">{3}</text>"
                               "<rect x=\"{4:.0f}\" y=\"{5:.1f}\" width=\"{6:.1f}\" height=\"14\" fill=\"#1a7f37\"/>"
                               "<text x=\"{7:.1f}\" y=\"{2:.1f}\">{1}/s</text></g>\n",
                               html_escape(label), short_number(v), y + 11, html_escape(utf8_cut(label, L.label_chars)), x0,
                               y, std::max(1.0, pw * v / max), x0 + pw * v / max + 4);
        }
        out += "</svg>\n";
    }
    out += "<table><tr><th>scenario</th><th>target</th><th>transport</th><th class=\"num\">concurrency</th>"
           "<th class=\"num\">s</th><th class=\"num\">handshakes</th><th class=\"num\">per s</th>"
           "<th class=\"num\">cpu client</th><th class=\"num\">cpu server</th></tr>\n";
    for (auto const* r : results) {
        out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td>", html_escape(str(*r, "scenario")),
                           html_escape(str(*r, "target")), html_escape(str(*r, "transport")));
        for (char const* k : {"concurrency", "duration_s", "handshakes", "per_s"})
            out += "<td class=\"num\">" + cell(num(*r, k)) + "</td>";
        out += cpu_cells(*r) + "</tr>\n";
    }
    return out + "</table>\n";
}

} // namespace

std::string bench_section(json const& bench)
{
    auto const& results = member(bench, "results");
    if (!results.is_array() || results.empty())
        return {};
    std::vector<json const*> throughput, handshakes, platform;
    std::size_t other = 0;
    for (auto const& r : results) {
        auto const kind = str(r, "kind");
        bool const own_loop = str(r, "scenario") == "iut" && !str(r, "api").empty(); // the IUT's own loop
        if (own_loop && (kind == "throughput" || kind == "unavailable"))
            platform.push_back(&r); // a measured one is drawn below with the others too
        if (kind == "throughput")
            throughput.push_back(&r);
        else if (kind == "handshake")
            handshakes.push_back(&r);
        else if (!(own_loop && kind == "unavailable"))
            ++other;
    }
    std::string out = "<section id=\"bench\">\n<h2>Benchmarks</h2>\n<p class=\"meta\">";
    if (auto const c = str(bench, "command"); !c.empty())
        out += "<code>" + html_escape(c) + "</code> · ";
    out += html_escape(str(bench, "started_at")) + "</p>\n";
    if (auto const& machine = member(bench, "machine"); machine.is_object()) {
        out += "<table class=\"machine\">";
        for (auto const& [k, v] : machine.items())
            out += "<tr><th>" + html_escape(k) + "</th><td>" + html_escape(v.is_string() ? v.get<std::string>() : one_line(v)) +
                   "</td></tr>";
        out += "</table>\n";
    }
    if (!platform.empty())
        out += platform_part(platform);
    if (auto const& ratios = member(bench, "peer_ratios"); ratios.is_array() && !ratios.empty())
        out += peer_ratio_part(ratios);
    if (!throughput.empty())
        out += throughput_part(throughput);
    if (!handshakes.empty())
        out += handshake_part(handshakes);
    if (other > 0)
        out += fmt::format("<p class=\"meta\">{} result(s) of another kind are not drawn.</p>\n", other);
    return out + "</section>\n";
}

} // namespace sockconf::reports::detail
