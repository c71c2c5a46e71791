#include <sockconf/harness/invariants.hpp>
#include <sockconf/harness/trace.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace sockconf::harness {

namespace {

std::vector<std::size_t> seqs(std::vector<json> const& entries, std::string const& fn)
{
    std::vector<std::size_t> out;
    for (auto const* e : invocations(entries, fn))
        out.push_back((*e)["seq"].get<std::size_t>());
    return out;
}

std::string list(std::vector<std::size_t> const& v)
{
    std::string s;
    for (auto x : v)
        s += (s.empty() ? "#" : ", #") + std::to_string(x);
    return s.empty() ? "none" : s;
}

} // namespace

std::vector<violation> check_invariants(std::vector<json> const& entries,
                                        std::vector<callback_call> const& calls,
                                        std::vector<listener_registration> const& listeners,
                                        api_catalog const& api)
{
    std::vector<violation> out;

    // Calls sharing a base (a repeated "as") share their callbacks: N calls, N results.
    std::map<std::string, std::size_t> made;
    std::map<std::string, std::string> where;
    for (auto const& c : calls) {
        ++made[c.base];
        where.emplace(c.base, c.where);
    }
    for (auto const& [base, n] : made) {
        auto const ok = seqs(entries, base + ".success");
        auto const ko = seqs(entries, base + ".fail");
        auto const done = seqs(entries, base + ".complete");
        if (ok.size() + ko.size() != n)
            out.push_back({"INV-CALLBACK-ONE-RESULT",
                           where[base] + ": " + std::to_string(n) + " call(s) of \"" + base +
                               "\" must get exactly one success or fail each; got success at " +
                               list(ok) + ", fail at " + list(ko)});
        if (done.size() != n) {
            out.push_back({"INV-CALLBACK-COMPLETE", where[base] + ": " + std::to_string(n) +
                                                        " call(s) of \"" + base +
                                                        "\" must get exactly one complete each; got " +
                                                        list(done)});
        } else {
            std::vector<std::size_t> results = ok;
            results.insert(results.end(), ko.begin(), ko.end());
            std::sort(results.begin(), results.end());
            for (std::size_t i = 0; i < done.size() && i < results.size(); ++i)
                if (done[i] < results[i])
                    out.push_back({"INV-CALLBACK-COMPLETE",
                                   where[base] + ": \"" + base + ".complete\" #" +
                                       std::to_string(done[i]) + " came before its success/fail #" +
                                       std::to_string(results[i])});
        }
    }

    for (auto const& e : entries)
        if (e.value("type", "") == "invoke" && e.value("sync", false))
            out.push_back({"INV-CALLBACK-ASYNC", "\"" + e.value("fn", "") + "\" #" +
                                                     std::to_string(e["seq"].get<std::size_t>()) +
                                                     " ran inside the call that caused it"});

    // Per object with a lifecycle: only functions registered on that one object
    // can be attributed to it.
    std::map<std::string, std::set<std::string>> handles_of_fn;
    for (auto const& l : listeners)
        handles_of_fn[l.fn].insert(l.handle);
    std::map<std::string, std::vector<listener_registration>> by_handle;
    for (auto const& l : listeners)
        if (handles_of_fn[l.fn].size() == 1)
            by_handle[l.handle].push_back(l);

    for (auto const& [handle, regs] : by_handle) {
        auto const* cls = api.find_class(regs.front().cls);
        if (!cls || cls->open_event.empty())
            continue;
        std::map<std::string, std::size_t> registrations;
        for (auto const& r : regs)
            ++registrations[r.fn];
        std::size_t first_close = 0;
        for (auto const& [fn, times] : registrations) {
            auto const& event = std::find_if(regs.begin(), regs.end(),
                                             [&](auto const& r) { return r.fn == fn; })->event;
            auto const s = seqs(entries, fn);
            auto const rule = event == cls->open_event    ? "INV-TASK-OPEN-ONCE"
                              : event == cls->close_event ? "INV-TASK-CLOSE-ONCE"
                                                          : "";
            if (*rule && s.size() > times)
                out.push_back({rule, cls->open_event == event
                                         ? "onOpen listener \"" + fn + "\" was called more than once: " + list(s)
                                         : "onClose listener \"" + fn + "\" was called more than once: " + list(s)});
            if (event == cls->close_event && !s.empty() && (first_close == 0 || s.front() < first_close))
                first_close = s.front();
        }
        if (first_close == 0)
            continue;
        for (auto const& [fn, _] : registrations) {
            // Every onClose listener receives the one close event: its first call is not "after".
            bool const closer = std::any_of(regs.begin(), regs.end(), [&](auto const& r) {
                return r.fn == fn && r.event == cls->close_event;
            });
            auto s = seqs(entries, fn);
            if (closer && !s.empty())
                s.erase(s.begin());
            std::vector<std::size_t> late;
            for (auto x : s)
                if (x > first_close)
                    late.push_back(x);
            if (!late.empty())
                out.push_back({"INV-TASK-NOTHING-AFTER-CLOSE",
                               "\"" + fn + "\" was called at " + list(late) + ", after onClose #" +
                                   std::to_string(first_close) + " of the same " + regs.front().cls});
        }
    }
    return out;
}

} // namespace sockconf::harness
