#include <sockconf/bench/compare.hpp>
#include <sockconf/bench/result.hpp>

#include <fmt/format.h>

#include <map>
#include <ostream>
#include <set>

namespace sockconf::bench {

namespace {

std::vector<std::pair<std::string, double>> rates(json const& doc)
{
    std::vector<std::pair<std::string, double>> out;
    if (!doc.contains("results") || !doc["results"].is_array())
        return out;
    for (auto const& r : doc["results"])
        out.emplace_back(result_key(r), result_rate(r));
    return out;
}

} // namespace

std::string result_key(json const& r)
{
    auto const s = [&](char const* k) {
        auto const it = r.find(k);
        return it == r.end() ? std::string("?") : it->is_string() ? it->get<std::string>() : it->dump();
    };
    if (r.value("kind", "") == "handshake")
        return fmt::format("{} {} {} handshake c{}", s("scenario"), s("target"), s("transport"), s("concurrency"));
    return fmt::format("{} {} {} {} {}", s("scenario"), s("target"), s("transport"), s("payload"), s("size"));
}

std::vector<comparison_row> compare_results(json const& old_doc, json const& new_doc)
{
    std::map<std::string, double> old_rates;
    for (auto const& [k, v] : rates(old_doc))
        old_rates.emplace(k, v);
    std::vector<comparison_row> rows;
    std::set<std::string> seen;
    for (auto const& [k, v] : rates(new_doc)) {
        if (!seen.insert(k).second)
            continue;
        comparison_row row{k, 0, v, 0};
        if (auto it = old_rates.find(k); it != old_rates.end()) {
            row.old_rate = it->second;
            row.ratio = it->second > 0 ? v / it->second : 0;
        }
        rows.push_back(row);
    }
    for (auto const& [k, v] : rates(old_doc))
        if (seen.insert(k).second)
            rows.push_back({k, v, 0, 0});
    return rows;
}

void print_comparison(std::vector<comparison_row> const& rows, std::ostream& out)
{
    out << fmt::format("{:<58} {:>12} {:>12} {:>8}\n", "measurement", "old /s", "new /s", "new/old");
    for (auto const& r : rows) {
        auto const ratio = r.old_rate == 0 ? std::string("only new")
                           : r.new_rate == 0 ? std::string("only old")
                                             : fmt::format("{:.2f}", r.ratio);
        out << fmt::format("{:<58} {:>12.0f} {:>12.0f} {:>8}\n", r.key, r.old_rate, r.new_rate, ratio);
    }
}

} // namespace sockconf::bench
