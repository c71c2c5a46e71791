#include <sockconf/harness/run.hpp>

#include <fnmatch.h>

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

std::vector<reports::case_result> run_cases(std::vector<test_case> const& cases, run_env const& env,
                                            int jobs, progress_fn const& progress)
{
    std::vector<reports::case_result> results(cases.size());
    std::atomic<std::size_t> next{0};
    std::size_t done = 0;
    std::mutex mu;

    auto worker = [&] {
        for (;;) {
            auto const i = next.fetch_add(1);
            if (i >= cases.size())
                return;
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
    return results;
}

} // namespace sockconf::harness
