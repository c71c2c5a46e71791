#include <sockconf/harness/run.hpp>

#include <fnmatch.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <sockconf/common/spec_error.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <sstream>
#include <thread>

namespace sockconf::harness {

bool id_matches(std::string const& glob, std::string const& id)
{
    if (glob.empty())
        return true;
    std::stringstream alternatives(glob);
    std::string one;
    while (std::getline(alternatives, one, ','))
        if (!one.empty() && ::fnmatch(one.c_str(), id.c_str(), 0) == 0)
            return true;
    return false;
}

std::vector<std::string> tags_of(test_case const& c)
{
    auto tags = c.tags;
    tags.push_back(c.suite);
    tags.insert(tags.end(), c.requires_caps.begin(), c.requires_caps.end());
    if (c.slow) tags.emplace_back("slow");
    if (c.fresh) tags.emplace_back("fresh");
    return tags;
}

std::vector<test_case> select_cases(std::vector<test_case> cases, selection const& sel)
{
    std::sort(cases.begin(), cases.end(), [](auto const& a, auto const& b) { return a.id < b.id; });
    auto const keep = [&](test_case const& c) {
        if (!id_matches(sel.filter, c.id) || (!sel.exclude.empty() && id_matches(sel.exclude, c.id)))
            return false;
        if (!sel.tags.empty()) {
            auto const tags = tags_of(c);
            if (std::none_of(sel.tags.begin(), sel.tags.end(),
                             [&](auto const& t) { return std::find(tags.begin(), tags.end(), t) != tags.end(); }))
                return false;
        }
        return !sel.only || std::find(sel.only->begin(), sel.only->end(), c.id) != sel.only->end();
    };
    std::vector<test_case> out;
    std::size_t k = 0;
    for (auto& c : cases)
        if (keep(c) && (sel.shard_count == 0 || static_cast<int>(k++ % sel.shard_count) == sel.shard_index - 1))
            out.push_back(std::move(c));
    return out;
}

reports::shard shard_from(std::string const& text, std::string const& source)
{
    auto const s = reports::parse_shard(text);
    if (!s)
        throw spec_error("E-SHARD", source, "", "expected I/N with 1 <= I <= N (e.g. 2/3), got \"" + text + "\"");
    return *s;
}

std::vector<reports::case_result> run_cases(std::vector<test_case> const& cases, run_env const& env,
                                            int jobs, progress_fn const& progress,
                                            std::vector<std::size_t> const& order)
{
    std::vector<reports::case_result> results(cases.size());
    std::atomic<std::size_t> next_start{0};
    std::size_t done = 0;
    std::mutex mu;

    auto worker = [&] {
        for (;;) {
            auto const k = next_start.fetch_add(1);
            if (k >= cases.size())
                return;
            auto const i = order.empty() ? k : order[k];
            reports::case_result r;
            if (env.interrupted && env.interrupted->load()) {
                r.id = cases[i].id;
                r.title = cases[i].title;
                r.suite = cases[i].suite;
                r.file = cases[i].file;
                r.clauses = cases[i].clauses;
                r.result = reports::status::skip;
                r.message = "interrupted";
            } else {
                r = run_case(cases[i], env);
            }
            std::lock_guard lock(mu);
            results[i] = std::move(r);
            ++done;
            if (progress)
                progress(done, cases.size(), results[i]);
        }
    };

    auto const n = std::max(1, std::min<int>(jobs, static_cast<int>(cases.size())));
    std::vector<std::thread> pool;
    for (int k = 0; k < n; ++k)
        pool.emplace_back(worker);
    for (auto& t : pool)
        t.join();
#if defined(__GLIBC__)
    // Each worker allocates from its own glibc arena, and an arena keeps what was
    // freed in it. A round's end is a quiet moment to give that back: `--repeat 50`
    // peaked at 469 MB without this and 417 MB with it, while each case still copied
    // the whole wire log to find its records. Now that a case takes only its own out
    // (case_runner's take_wire_records), the same run peaks at 90 MB and sits at
    // 57-68 MB from round 7 to round 48.
    ::malloc_trim(0);
#endif
    return results;
}

std::vector<std::size_t> longest_first(std::vector<test_case> const& cases, std::map<std::string, double> const& cost_ms)
{
    auto real_waits = [](test_case const& c) { return static_cast<double>(fixed_wait_ms(c)); };
    std::vector<double> cost(cases.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        auto const it = cost_ms.find(cases[i].id);
        cost[i] = it != cost_ms.end() ? it->second : real_waits(cases[i]);
    }
    std::vector<std::size_t> order(cases.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return cost[a] > cost[b]; });
    return order;
}

std::vector<reports::case_result> run_attempts(std::vector<test_case> const& cases, run_env const& env, int jobs,
                                               expectations const& expected, attempt_policy const& policy,
                                               progress_fn const& progress, round_fn const& on_round,
                                               std::vector<std::size_t> const& order)
{
    auto results = run_cases(cases, env, jobs, progress, order);
    for (auto& r : results)
        expected.apply(r);
    auto record = [&](reports::case_result& counted, reports::case_result attempt, bool retry) {
        if (counted.attempts.empty())
            counted.attempts.push_back(counted.result);
        auto attempts = std::move(counted.attempts);
        attempts.push_back(attempt.result);
        expected.apply(attempt);
        // Repeats: the first unexpected attempt counts (it is what needs a look),
        // else the last. Retries: the first expected attempt ends the case.
        if (retry ? !attempt.unexpected : (!counted.unexpected))
            counted = std::move(attempt);
        counted.attempts = std::move(attempts);
    };

    for (int round = 2; round <= policy.repeat && !(env.interrupted && env.interrupted->load()); ++round) {
        if (on_round)
            on_round("repeat " + std::to_string(round) + "/" + std::to_string(policy.repeat), cases.size());
        auto again = run_cases(cases, env, jobs, progress, order);
        for (std::size_t i = 0; i < cases.size(); ++i)
            record(results[i], std::move(again[i]), false);
    }
    for (int round = 1; round <= policy.retry_unexpected && !(env.interrupted && env.interrupted->load()); ++round) {
        std::vector<std::size_t> todo;
        for (std::size_t i = 0; i < results.size(); ++i)
            if (results[i].unexpected)
                todo.push_back(i);
        if (todo.empty())
            break;
        if (on_round)
            on_round("retry " + std::to_string(round) + "/" + std::to_string(policy.retry_unexpected), todo.size());
        std::vector<test_case> subset;
        for (auto i : todo)
            subset.push_back(cases[i]);
        auto again = run_cases(subset, env, jobs, progress);
        for (std::size_t k = 0; k < todo.size(); ++k)
            record(results[todo[k]], std::move(again[k]), true);
    }
    return results;
}

} // namespace sockconf::harness
