#include "checks.hpp"

namespace sockconf::reports::detail {

std::vector<check_result const*> counting_failures(case_result const& c)
{
    std::vector<check_result const*> out;
    for (auto const& k : c.checks)
        if (k.counts && k.result != check_status::pass && k.result != check_status::not_run)
            out.push_back(&k);
    return out;
}

std::size_t not_run(case_result const& c)
{
    std::size_t n = 0;
    for (auto const& k : c.checks)
        n += k.result == check_status::not_run;
    return n;
}

std::map<std::string, std::vector<std::size_t>> deviations_by_case(std::vector<deviation> const& ds)
{
    std::map<std::string, std::vector<std::size_t>> out;
    for (std::size_t i = 0; i < ds.size(); ++i) {
        for (auto const& id : ds[i].cases)
            out[id].push_back(i);
        for (auto const& id : ds[i].seen_in)
            out[id].push_back(i);
    }
    return out;
}

deviation_split split(std::vector<deviation> const& ds)
{
    deviation_split out;
    for (std::size_t i = 0; i < ds.size(); ++i)
        (ds[i].host_limit ? out.host_limits : out.fixable).push_back(i);
    return out;
}

std::string_view verdict(check_result const& k)
{
    switch (k.result) {
    case check_status::pass: return k.kind == check_kind::outcome ? "held" : "pass";
    case check_status::fail: return k.counts ? "fail" : k.kind == check_kind::outcome ? "not held" : "also seen";
    case check_status::error: return "error";
    case check_status::timeout: return "timeout";
    case check_status::not_run: return "not run";
    }
    return "?";
}

std::string join(std::vector<std::string> const& parts, std::string_view sep)
{
    std::string out;
    for (auto const& p : parts) {
        if (!out.empty())
            out += sep;
        out += p;
    }
    return out;
}

} // namespace sockconf::reports::detail
