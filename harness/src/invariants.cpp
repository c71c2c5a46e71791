#include <sockconf/common/json_file.hpp>
#include <sockconf/common/json_reader.hpp>
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

/// "SocketTask.send" -> "SocketTask"; "wx.connectSocket" -> "wx".
std::string owner_of(std::string const& api) { return api.substr(0, api.find('.')); }

/// INV-READYSTATE-MONOTONIC: every numeric readyState read of one object (the get
/// entries name its handle) is at least the one read before it. Only reads the case
/// made are judged: a value never read cannot be said to have gone back.
void check_ready_state(std::vector<json> const& entries, std::vector<violation>& out)
{
    struct last_read {
        json value;
        std::size_t seq;
    };
    std::map<std::string, last_read> last;
    for (auto const& e : entries) {
        if (e.value("type", "") != "get" || !e.contains("value") || !e["value"].is_number())
            continue;
        auto const target = e.value("target", "");
        auto const dot = target.find('.');
        if (dot == std::string::npos || target.substr(dot + 1) != "readyState")
            continue;
        auto const object = e.value("handle", target.substr(0, dot));
        auto const& value = e["value"];
        auto const seq = e["seq"].get<std::size_t>();
        auto it = last.find(object);
        if (it != last.end() && value.get<double>() < it->second.value.get<double>()) {
            auto const step = it->second.value.dump() + " then " + value.dump();
            out.push_back({"INV-READYSTATE-MONOTONIC", "SocketTask.readyState",
                           target + " read " + value.dump() + " at #" + std::to_string(seq) + " after " +
                               it->second.value.dump() + " at #" + std::to_string(it->second.seq),
                           "SocketTask.readyState moved backwards (" + step + ")", {it->second.seq, seq}});
        } else {
            last[object] = {value, seq};
        }
    }
}

} // namespace

std::vector<std::string> const& invariant_ids()
{
    static std::vector<std::string> const ids = {"INV-CALLBACK-ONE-RESULT", "INV-CALLBACK-COMPLETE", "INV-CALLBACK-ASYNC",
                                                 "INV-LISTENER-ASYNC",      "INV-TASK-OPEN-ONCE",    "INV-TASK-CLOSE-ONCE",
                                                 "INV-TASK-NOTHING-AFTER-CLOSE", "INV-READYSTATE-MONOTONIC"};
    return ids;
}

invariant_catalog invariant_catalog::load(std::string const& path, std::function<bool(std::string const&)> const& known_clause)
{
    return from_json(read_json_file(path), path, known_clause);
}

invariant_catalog invariant_catalog::from_json(json const& doc, std::string const& source,
                                               std::function<bool(std::string const&)> const& known_clause)
{
    json_reader r(doc, source);
    r.only_keys({"invariants", "notes"});
    auto list = r.at("invariants");
    list.expect_array();
    invariant_catalog cat;
    auto const& ids = invariant_ids();
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto e = list.at(i);
        e.only_keys({"id", "rule", "title", "clauses"});
        invariant_rule rule;
        rule.id = e.at("id").non_empty_string();
        if (std::find(ids.begin(), ids.end(), rule.id) == ids.end())
            e.at("id").fail("E-INVARIANT-UNKNOWN", "\"" + rule.id + "\" is not an invariant the harness checks");
        if (cat.find(rule.id))
            e.at("id").fail("E-INVARIANT-DUPLICATE", "\"" + rule.id + "\" is listed twice");
        rule.rule = e.at("rule").non_empty_string();
        rule.title = e.at("title").non_empty_string();
        auto cl = e.at("clauses");
        cl.expect_object();
        for (auto const& [api, _] : cl.value().items()) {
            auto const id = cl.at(api).non_empty_string();
            if (known_clause && !known_clause(id))
                cl.at(api).fail("E-INVARIANT-CLAUSE", "unknown clause \"" + id + "\" (see specs/clauses/)");
            rule.clauses[api] = id;
        }
        cat.rules_.push_back(std::move(rule));
    }
    for (auto const& id : ids)
        if (!cat.find(id))
            list.fail("E-INVARIANT-MISSING", "the harness checks " + id + ", which the catalog does not list");
    std::sort(cat.rules_.begin(), cat.rules_.end(), [&](auto const& a, auto const& b) {
        return std::find(ids.begin(), ids.end(), a.id) < std::find(ids.begin(), ids.end(), b.id);
    });
    return cat;
}

invariant_rule const* invariant_catalog::find(std::string const& id) const
{
    for (auto const& r : rules_)
        if (r.id == id)
            return &r;
    return nullptr;
}

std::string invariant_catalog::clause_for(std::string const& id, std::string const& api) const
{
    auto const* r = find(id);
    if (!r)
        return "";
    for (auto const& key : {api, owner_of(api)})
        if (auto it = r->clauses.find(key); it != r->clauses.end())
            return it->second;
    return "";
}

std::vector<violation> check_invariants(std::vector<json> const& entries,
                                        std::vector<callback_call> const& calls,
                                        std::vector<listener_registration> const& listeners,
                                        api_catalog const& api)
{
    std::vector<violation> out;

    // Calls sharing a base (a repeated "as") share their callbacks: N calls, N results.
    std::map<std::string, std::size_t> made;
    std::map<std::string, callback_call> first;
    for (auto const& c : calls) {
        ++made[c.base];
        first.emplace(c.base, c);
    }
    std::map<std::string, std::string> api_of_fn; // harness name -> the API it belongs to, and what it is
    std::map<std::string, std::string> kind_of_fn;
    for (auto const& c : calls)
        for (auto const* cb : {"success", "fail", "complete"}) {
            api_of_fn[c.base + "." + cb] = c.api;
            kind_of_fn[c.base + "." + cb] = cb;
        }
    for (auto const& l : listeners) {
        api_of_fn.emplace(l.fn, l.api);
        kind_of_fn.emplace(l.fn, "listener");
    }

    for (auto const& [base, n] : made) {
        auto const& c = first[base];
        auto const ok = seqs(entries, base + ".success");
        auto const ko = seqs(entries, base + ".fail");
        auto const done = seqs(entries, base + ".complete");
        if (ok.size() + ko.size() != n) {
            auto all = ok;
            all.insert(all.end(), ko.begin(), ko.end());
            out.push_back({"INV-CALLBACK-ONE-RESULT", c.api,
                           c.where + ": " + std::to_string(n) + " call(s) of \"" + base +
                               "\" must get exactly one success or fail each; got success at " + list(ok) +
                               ", fail at " + list(ko),
                           c.api + ": " + (ok.size() + ko.size() == 0 ? "neither success nor fail"
                                           : !ok.empty() && !ko.empty() ? "both success and fail"
                                                                        : "more results than calls"),
                           all});
        }
        if (done.size() != n) {
            out.push_back({"INV-CALLBACK-COMPLETE", c.api,
                           c.where + ": " + std::to_string(n) + " call(s) of \"" + base +
                               "\" must get exactly one complete each; got " + list(done),
                           c.api + ": " + (done.size() < n ? "complete missing" : "complete more than once"), done});
        } else {
            std::vector<std::size_t> results = ok;
            results.insert(results.end(), ko.begin(), ko.end());
            std::sort(results.begin(), results.end());
            for (std::size_t i = 0; i < done.size() && i < results.size(); ++i)
                if (done[i] < results[i])
                    out.push_back({"INV-CALLBACK-COMPLETE", c.api,
                                   c.where + ": \"" + base + ".complete\" #" + std::to_string(done[i]) +
                                       " came before its success/fail #" + std::to_string(results[i]),
                                   c.api + ": complete before success/fail", {done[i], results[i]}});
        }
    }

    for (auto const& e : entries) {
        if (e.value("type", "") != "invoke" || !e.value("sync", false))
            continue;
        auto const fn = e.value("fn", "");
        auto const seq = e["seq"].get<std::size_t>();
        auto const kind = kind_of_fn.count(fn) ? kind_of_fn[fn] : std::string("listener");
        auto const api_name = api_of_fn.count(fn) ? api_of_fn[fn] : std::string();
        bool const listener = kind == "listener";
        out.push_back({listener ? "INV-LISTENER-ASYNC" : "INV-CALLBACK-ASYNC", api_name,
                       "\"" + fn + "\" #" + std::to_string(seq) + " ran inside the call that caused it",
                       (api_name.empty() ? "\"" + fn + "\"" : api_name) + " " + kind, {seq}});
    }

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
        auto const& cls_name = regs.front().cls;
        std::map<std::string, std::size_t> registrations;
        for (auto const& r : regs)
            ++registrations[r.fn];
        // (&regs = regs: clang 14 cannot capture a structured binding)
        auto const reg_of = [&regs = regs](std::string const& fn) {
            return *std::find_if(regs.begin(), regs.end(), [&](auto const& r) { return r.fn == fn; });
        };
        std::size_t first_close = 0;
        for (auto const& [fn, times] : registrations) {
            auto const& reg = reg_of(fn);
            auto const s = seqs(entries, fn);
            bool const is_open = reg.event == cls->open_event, is_close = reg.event == cls->close_event;
            if ((is_open || is_close) && s.size() > times)
                out.push_back({is_open ? "INV-TASK-OPEN-ONCE" : "INV-TASK-CLOSE-ONCE", reg.api,
                               std::string(is_open ? "onOpen" : "onClose") + " listener \"" + fn +
                                   "\" was called more than once: " + list(s),
                               reg.api + " listener called more than once", s});
            if (is_close && !s.empty() && (first_close == 0 || s.front() < first_close))
                first_close = s.front();
        }
        if (first_close == 0)
            continue;
        for (auto const& [fn, _] : registrations) {
            auto const& reg = reg_of(fn);
            // Every onClose listener receives the one close event: its first call is not "after".
            bool const closer = std::any_of(regs.begin(), regs.end(), [&, &fn = fn](auto const& r) {
                return r.fn == fn && r.event == cls->close_event;
            });
            auto s = seqs(entries, fn);
            if (closer && !s.empty())
                s.erase(s.begin());
            std::vector<std::size_t> late;
            for (auto x : s)
                if (x > first_close)
                    late.push_back(x);
            if (!late.empty()) {
                late.insert(late.begin(), first_close);
                out.push_back({"INV-TASK-NOTHING-AFTER-CLOSE", reg.api,
                               "\"" + fn + "\" was called at " + list({late.begin() + 1, late.end()}) +
                                   ", after onClose #" + std::to_string(first_close) + " of the same " + cls_name,
                               reg.api + " listener called after onClose", late});
            }
        }
    }
    check_ready_state(entries, out);
    return out;
}

} // namespace sockconf::harness
