#include "trace_checks.hpp"

#include <algorithm>

namespace sockconf::harness::detail {

namespace {

using reports::check_kind;
using reports::check_result;
using reports::check_status;

bool named(json const& e, name_list const& names)
{
    return e.value("type", "") == "invoke" && std::find(names.begin(), names.end(), e.value("fn", "")) != names.end();
}

std::size_t seq_of(json const& e) { return e["seq"].get<std::size_t>(); }

std::string quoted_names(name_list const& names)
{
    std::string s;
    for (auto const& n : names)
        s += (s.empty() ? "\"" : " or \"") + n + "\"";
    return s;
}

name_list substituted(case_state const& s, name_list const& names)
{
    name_list out;
    for (auto const& n : names)
        out.push_back(s.vars.substitute(json(n)).get<std::string>());
    return out;
}

/// ${bound.NAME} := a value of the argument of the first call that satisfied
/// the wait, so a later step or expectation can compare it with what the server saw.
bool bind(case_state& s, wait_step const& w, name_list const& names, check_result& k, std::string const& ptr)
{
    auto const entries = s.trace.snapshot();
    auto const resolve = [&](json const& x) { return s.vars.resolve(x); };
    for (auto const& e : entries) {
        if (!named(e, names))
            continue;
        auto const arg = from_wire(e["arg"]);
        if (w.match && check_pattern(*w.match, arg, resolve))
            continue;
        for (auto const& [var, path] : w.bind) {
            auto const* v = lookup(arg, path);
            if (!v) {
                s.fail(k, "a value at \"" + path + "\" of " + e.value("fn", ""), "(absent) in " + brief(e["arg"], 200),
                       s.names.meaning(names), "a value at \"" + path + "\"", "(absent)", {seq_of(e)});
                (void)ptr;
                return false;
            }
            s.vars.set("bound." + var, *v);
        }
        return true;
    }
    return true;
}

} // namespace

std::string called_so_far(std::vector<json> const& entries)
{
    std::string s;
    for (auto const& e : entries)
        if (e.value("type", "") == "invoke")
            s += (s.empty() ? "" : ", ") + e.value("fn", "");
    return s.empty() ? "nothing" : s;
}

match_count count_matching(std::vector<json> const& entries, name_list const& names, pattern const* p,
                           value_resolver const& resolve)
{
    match_count n;
    for (auto const& e : entries) {
        if (!named(e, names))
            continue;
        ++n.all;
        if (!p) {
            ++n.matching;
            n.seqs.push_back(seq_of(e));
            continue;
        }
        auto const why = check_pattern(*p, from_wire(e["arg"]), resolve);
        if (!why) {
            ++n.matching;
            n.seqs.push_back(seq_of(e));
        } else if (!n.first_mismatch) {
            n.first_mismatch = why;
            n.first_mismatch_seq = seq_of(e);
            n.first_mismatch_fn = e.value("fn", "");
        }
    }
    return n;
}

stop_reason run_wait(case_state& s, step const& st, wait_step const& w)
{
    auto const names = substituted(s, w.names);
    auto const ptr = st.pointer + "/wait";
    auto& k = s.add_check(check_kind::step, ptr, "wait for " + quoted_names(names), st.clauses);
    auto const* pattern = w.match ? &*w.match : nullptr;
    auto const resolve = [&](json const& x) { return s.vars.resolve(x); };
    auto const timeout = std::chrono::milliseconds(w.timeout_ms.value_or(s.env.settings.wait_timeout_ms));
    auto const until = std::min(clock::now() + timeout, s.deadline);
    bool const ok = s.trace.wait_until(
        [&](std::vector<json> const& entries) {
            return s.bad_event || s.interrupted() || count_matching(entries, names, pattern, resolve).matching >= w.count;
        },
        until);
    auto const entries = s.trace.snapshot();
    auto const n = count_matching(entries, names, pattern, resolve);
    if (n.matching >= w.count) {
        k.seqs = n.seqs;
        if (!w.bind.empty() && !bind(s, w, names, k, ptr))
            return stop_reason::failed;
        return stop_reason::none;
    }
    (void)ok;
    if (s.interrupted()) {
        k.result = check_status::not_run;
        return stop_reason::interrupted;
    }
    if (s.bad_event) {
        s.broke(k, check_status::error, "well-formed events", s.bad_event_message());
        return stop_reason::error;
    }
    if (clock::now() >= s.deadline) {
        s.broke(k, check_status::timeout, "the case to finish within its timeout",
                "the case timed out (" + std::to_string(s.case_timeout_ms()) + " ms) before " + st.pointer);
        return stop_reason::timeout;
    }
    std::string expected = std::to_string(w.count) + " call(s) of " + quoted_names(names) +
                           (pattern ? " with an argument matching " + brief(pattern->raw, 200) : "") + " within " +
                           std::to_string(timeout.count()) + " ms";
    std::string actual = std::to_string(n.matching) + " matching" + (pattern ? " of " + std::to_string(n.all) + " call(s)" : "");
    if (n.first_mismatch)
        actual += "; first mismatch: #" + std::to_string(n.first_mismatch_seq) + " " + n.first_mismatch_fn + " " +
                  n.first_mismatch->text();
    actual += "; called so far: " + called_so_far(entries);
    // Grouped by what was missing: a call at all, or one whose argument matches.
    std::string expected_norm = w.count > 1 ? std::to_string(w.count) + " calls" : "a call";
    std::string observed_norm = n.all == 0 ? "never called" : std::to_string(n.all) + " call(s)";
    if (n.first_mismatch) {
        expected_norm = "a call with " + n.first_mismatch->path + " " + n.first_mismatch->expected_key();
        observed_norm = n.first_mismatch->path + " " + n.first_mismatch->observed_key();
    }
    std::vector<std::size_t> seqs = n.seqs;
    if (n.first_mismatch)
        seqs.push_back(n.first_mismatch_seq);
    s.fail(k, expected, actual, s.names.meaning(names), expected_norm, observed_norm, seqs);
    return stop_reason::failed;
}

void judge_trace_expectation(case_state& s, expect_entry const& e, check_result& k)
{
    auto const entries = s.trace.snapshot();
    auto const resolve = [&](json const& x) { return s.vars.resolve(x); };
    auto const invokes = [&](std::string const& fn) { return count_matching(entries, {fn}, nullptr, resolve); };
    if (auto const* o = std::get_if<order_expect>(&e.what)) {
        auto const names = substituted(s, o->names);
        std::size_t last = 0;
        std::string last_name;
        json listed = names;
        for (auto const& n : names) {
            auto const calls = invokes(n);
            if (calls.seqs.empty())
                return s.missing(k, "calls in the order " + brief(listed), "\"" + n + "\" was never called; called: " + called_so_far(entries),
                              "order of " + s.names.meaning(names), s.names.meaning(n) + " called", "never called");
            auto const seq = calls.seqs.front();
            if (seq < last)
                return s.fail(k, "calls in the order " + brief(listed),
                              "\"" + n + "\" (#" + std::to_string(seq) + ") came before \"" + last_name + "\" (#" +
                                  std::to_string(last) + ")",
                              "order of " + s.names.meaning(names),
                              s.names.meaning(last_name) + " before " + s.names.meaning(n),
                              s.names.meaning(n) + " first", {seq, last});
            last = seq;
            last_name = n;
        }
    } else if (auto const* c = std::get_if<count_expect>(&e.what)) {
        auto const names = substituted(s, c->names);
        if (c->kind != count_expect::form::count) {
            bool const once = c->kind == count_expect::form::once;
            for (auto const& n : names) {
                auto const calls = invokes(n);
                if (calls.all != (once ? 1u : 0u)) {
                    // Fewer calls than asked: absent; more: a finding whenever the steps stopped.
                    auto const judge = calls.all < (once ? 1u : 0u) ? &case_state::missing : &case_state::fail;
                    return (s.*judge)(k, "\"" + n + "\" called " + (once ? "exactly once" : "never"),
                                      "it was called " + std::to_string(calls.all) + " time(s)", s.names.meaning(n),
                                      once ? "called exactly once" : "never called",
                                      calls.all == 0 ? "never called" : "called " + std::to_string(calls.all) + " time(s)",
                                      calls.seqs);
                }
            }
            return;
        }
        auto const calls = count_matching(entries, names, nullptr, resolve);
        auto const k_calls = calls.all;
        bool const bad = (c->equals && k_calls != *c->equals) || (c->min && k_calls < *c->min) || (c->max && k_calls > *c->max);
        if (bad) {
            json bounds = json::object();
            if (c->equals) bounds["equals"] = *c->equals;
            if (c->min) bounds["min"] = *c->min;
            if (c->max) bounds["max"] = *c->max;
            bool const too_many = (c->max && k_calls > *c->max) || (c->equals && k_calls > *c->equals);
            auto const judge = too_many ? &case_state::fail : &case_state::missing;
            (s.*judge)(k, quoted_names(names) + " called " + brief(bounds) + " time(s)", std::to_string(k_calls) + " call(s)",
                       s.names.meaning(names), "called " + brief(bounds) + " time(s)", std::to_string(k_calls) + " call(s)",
                       calls.seqs);
        }
    } else if (auto const* ev = std::get_if<event_expect>(&e.what)) {
        auto const names = substituted(s, ev->names);
        std::vector<json const*> calls;
        for (auto const& x : entries)
            if (named(x, names))
                calls.push_back(&x);
        auto const expected = "call #" + std::to_string(ev->nth) + " of " + quoted_names(names) +
                              " with an argument matching " + brief(ev->match.raw, 200);
        if (ev->nth >= calls.size())
            return s.missing(k, expected, std::to_string(calls.size()) + " call(s)", s.names.meaning(names),
                          ev->nth == 0 ? "a call" : "call #" + std::to_string(ev->nth),
                          calls.empty() ? "never called" : std::to_string(calls.size()) + " call(s)");
        auto const& call = *calls[ev->nth];
        if (auto why = check_pattern(ev->match, from_wire(call["arg"]), resolve))
            s.fail(k, expected, why->text(), s.names.meaning(names), why->path + " " + why->expected_key(),
                   why->path + " " + why->observed_key(), {seq_of(call)});
        else
            k.seqs = {seq_of(call)};
    }
}

} // namespace sockconf::harness::detail
