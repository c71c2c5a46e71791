#include "block.hpp"

namespace sockconf::harness::detail {

namespace {

/// A value as a grouping key: its shape, not its content ("an object {errMsg}",
/// "string"). A call that returns a fail result instead of a SocketTask is one
/// behaviour whatever the errMsg says; the message shows the value itself.
std::string shape(json const& wire_value)
{
    auto const v = from_wire(wire_value);
    if (js_type_name(v) != "object" || !v.is_object())
        return std::string(js_type_name(v));
    std::string keys;
    for (auto const& [key, _] : v.items())
        keys += (keys.empty() ? "" : ", ") + key;
    return "an object {" + keys + "}";
}

using reports::check_kind;
using reports::check_result;
using reports::check_status;

/// One call or get step of a block, ready to send.
struct pending {
    step const* st = nullptr;
    bool is_get = false;
    std::string target;  ///< substituted
    std::string owner;   ///< "wx" or a bound name
    std::string member;  ///< the function, method or property
    std::string cls;     ///< class of the owner (methods and properties)
    std::optional<api_entry> entry;
    std::string base;    ///< name of the call's result and callbacks
    std::string as;      ///< substituted "as" ("" when none)
    std::string listener;
    json command;
    /// "wx.connectSocket", "SocketTask.send", "SocketTask.readyState": what reports call it.
    std::string api() const { return owner == "wx" ? target : (cls.empty() ? owner : cls) + "." + member; }
};

std::string text(case_state const& s, std::string const& raw) { return s.vars.substitute(json(raw)).get<std::string>(); }

/// Prepare one step; nullopt (with a failed check) when its owner was never returned.
std::optional<pending> prepare(case_state& s, step const& st, std::size_t index)
{
    pending p;
    p.st = &st;
    p.is_get = std::holds_alternative<get_step>(st.action);
    auto const* call = std::get_if<call_step>(&st.action);
    auto const* get = std::get_if<get_step>(&st.action);
    p.target = text(s, p.is_get ? get->target : call->target);
    auto const dot = p.target.find('.');
    p.owner = p.target.substr(0, dot);
    p.member = p.target.substr(dot + 1);
    if (p.owner != "wx") {
        auto it = s.classes.find(p.owner);
        if (it == s.classes.end())
            return std::nullopt;
        p.cls = it->second;
    }
    // Objects are named, not numbered: a block can use what it creates ({"$ref"}).
    json const self = {{"$ref", p.owner}};
    if (p.is_get) {
        p.command = {{"op", "get"}, {"this", self}, {"prop", p.member}};
        p.as = get->as.empty() ? "" : text(s, get->as);
        p.base = p.as;
        return p;
    }
    p.entry = p.owner == "wx" ? s.env.api.function(p.target) : s.env.api.method(p.cls, p.member);
    p.command = {{"op", "call"}, {"fn", p.owner == "wx" ? p.target : p.member}};
    if (p.owner != "wx")
        p.command["this"] = self;
    json args = json::array();
    if (!call->listener.empty()) {
        p.listener = text(s, call->listener);
        args.push_back({{"$fn", p.listener}});
    } else if (call->args) {
        auto a = s.vars.substitute(*call->args);
        args = a.is_array() ? a : json::array({a});
    }
    p.as = call->as.empty() ? "" : text(s, call->as);
    p.base = p.as.empty() ? "step" + std::to_string(index) : p.as;
    s.names.add_call(p.base, p.api());
    if (p.entry && p.entry->callbacks && call->callbacks) {
        if (args.empty())
            args.push_back(json::object());
        if (args[0].is_object()) {
            for (auto const* cb : {"success", "fail", "complete"})
                args[0][cb] = {{"$fn", p.base + "." + cb}};
            s.names.add_callbacks({p.base, p.api(), s.c.where(st.pointer)});
        }
    }
    p.command["args"] = args;
    if (!p.as.empty()) {
        p.command["as"] = p.base;
        s.classes[p.base] = p.entry ? p.entry->returns : "";
    }
    return p;
}

/// The trace entry of one call or get of a block: what was called, and what came back.
/// A get names the IUT's id of the object it read (`handle`), so that checks over the
/// whole trace (readyState never moves backwards) tell two objects bound to one name apart.
json block_entry(pending const& p, reply const& r, std::string const& handle)
{
    json e = {{"type", p.is_get ? "get" : "call"}, {"step", p.st->pointer}, {"target", p.target}};
    if (p.is_get && !handle.empty())
        e["handle"] = handle;
    if (!p.is_get)
        e["args"] = p.command["args"];
    if (r.kind == reply_kind::value)
        e["value"] = r.value;
    else if (r.kind == reply_kind::thrown)
        e["threw"] = r.value;
    else
        e["error"] = r.message;
    if (r.promise)
        e["promise"] = true; // it returned a Promise, which the adapter awaited
    return e;
}

bool is_handle(json const& v) { return v.is_object() && v.contains("$handle"); }

/// The IUT's id of a returned object (`{"$handle": ...}`), `fallback` when `v` is none.
std::string handle_of(json const& v, std::string const& fallback)
{
    if (!is_handle(v))
        return fallback;
    auto const& h = v["$handle"];
    return h.is_string() ? h.get<std::string>() : h.dump();
}

/// The IUT's id of the object bound to `name` (the name itself when unknown).
std::string handle_id(case_state const& s, std::string const& name)
{
    auto it = s.bound.find(name);
    return it == s.bound.end() ? name : handle_of(it->second, name);
}

/// Judge one step's reply; returns whether the steps may go on.
stop_reason finish(case_state& s, pending const& p, reply const& r, check_result& k)
{
    auto const& ptr = p.st->pointer;
    if (r.kind == reply_kind::refused && s.thrown.count(p.owner)) {
        // The object's creation threw (may_throw): calls on it cannot happen.
        s.trace.append({{"type", "note"}, {"text", ptr + ": skipped " + p.target + ": " + p.owner + " was never created"}});
        k.result = check_status::not_run;
        k.actual = p.owner + " was never created";
        return stop_reason::none;
    }
    if (r.kind == reply_kind::refused || r.kind == reply_kind::broken || r.kind == reply_kind::timeout) {
        s.broke(k, check_status::error, r.kind == reply_kind::timeout ? "an answer" : "the IUT to execute the command",
                r.kind == reply_kind::timeout ? ptr + ": " + r.message
                                              : ptr + ": the IUT could not execute " + brief(p.command, 200) + ": " + r.message);
        return stop_reason::error;
    }
    if (!p.listener.empty() && p.entry && !p.entry->adds_listener.empty())
        s.names.add_listener({p.listener, p.owner == "wx" ? "wx" : handle_id(s, p.owner), p.owner == "wx" ? "wx" : p.cls,
                              p.entry->adds_listener, p.api()});

    if (p.is_get) {
        auto const& g = std::get<get_step>(p.st->action);
        if (r.kind == reply_kind::thrown) {
            s.fail(k, "reading " + p.target + " to give a value", "it threw: " + brief(r.value), p.api(),
                   "a value", "threw " + brief(r.value, 200));
            return stop_reason::none;
        }
        if (g.expect) {
            auto const v = from_wire(r.value);
            if (auto why = check_matcher(*g.expect, &v, [&](json const& x) { return s.vars.resolve(x); })) {
                s.fail(k, p.target + " to match", why->text(), p.api(), why->expected_key(), why->observed_key());
                // what the wait points at: the get itself
            }
        }
        if (!p.base.empty())
            s.bound[p.base] = r.value;
        return stop_reason::none;
    }

    auto const& c = std::get<call_step>(p.st->action);
    auto const want = c.promise_for(s.env.prof.raw);
    if (!want) {
        s.broke(k, check_status::error, "true or false",
                ptr + ": \"promise\": " + c.promise_variable + " is not true or false in profile " + s.env.prof.id);
        return stop_reason::error;
    }
    if (r.promise && *want == call_step::promise_rule::never)
        s.fail(k, p.target + " to return its result synchronously",
               std::string("it returned a Promise, which ") + (r.kind == reply_kind::thrown ? "rejected with " : "resolved to ") +
                   brief(r.value, 200),
               p.api(), "its result returned synchronously", "a Promise");
    if (!r.promise && r.kind == reply_kind::value && *want == call_step::promise_rule::always)
        s.fail(k, p.target + " to return a Promise of its result",
               "it returned its result synchronously: " + brief(r.value, 200), p.api(), "a Promise",
               "its result returned synchronously");
    if (r.kind == reply_kind::thrown && c.throws == call_step::throw_rule::may) {
        // Allowed: recorded as a call of "<as>.threw" with the error, for outcomes.
        s.trace.append({{"type", "invoke"}, {"fn", p.base + ".threw"}, {"arg", r.value}, {"sync", false}});
        s.thrown.insert(p.base);
        return stop_reason::none;
    }
    if (r.kind == reply_kind::thrown) {
        // What the IUT threw may be anything: a message that is not a string is matched as it is.
        json const message = r.value.is_object() && r.value.contains("message") ? r.value["message"] : json(std::string());
        if (c.throws == call_step::throw_rule::must_not) {
            // A returned Promise that rejected is not a throw: say what happened.
            auto const what = r.promise ? std::string("returned a Promise that rejected with ") : std::string("threw ");
            s.fail(k, p.target + " to return", (r.promise ? "it " + what : std::string("it threw: ")) + brief(r.value),
                   p.api(), "to return", what + shape(r.value));
            return stop_reason::failed;
        }
        if (c.throw_message)
            if (auto why = check_matcher(*c.throw_message, &message, [&](json const& x) { return s.vars.resolve(x); }))
                s.fail(k, "a thrown error whose message matches", why->text(), p.api(),
                       "to throw an error whose message is " + why->expected, why->observed);
        return stop_reason::none;
    }
    if (c.throws == call_step::throw_rule::any || c.throws == call_step::throw_rule::matching) {
        s.fail(k, p.target + " to throw", "it returned " + brief(r.value), p.api(), "to throw", "returned " + shape(r.value));
        return stop_reason::none;
    }
    if (c.returns) {
        auto const v = from_wire(r.value);
        if (auto why = check_matcher(*c.returns, &v, [&](json const& x) { return s.vars.resolve(x); }))
            s.fail(k, "the return value to match", why->text(), p.api(), "a return value " + why->expected_key(),
                   why->observed_key());
    }
    if (!p.as.empty() && p.entry && !p.entry->returns.empty() && !is_handle(r.value)) {
        // A step the case needs: what failed is the call's own clause, not what the case tests (D41).
        if (p.st->clauses.empty() && !p.entry->returns_clause.empty())
            k.clauses = {p.entry->returns_clause};
        s.fail(k, p.target + " to return a " + p.entry->returns, "it returned " + brief(r.value, 200), p.api(),
               "to return a " + p.entry->returns, "returned " + shape(r.value));
        return stop_reason::failed;
    }
    if (!p.as.empty())
        s.bound[p.base] = r.value;
    return stop_reason::none;
}

std::string title_of(pending const& p) { return (p.is_get ? "get " : "call ") + p.target; }

} // namespace

stop_reason run_block(case_state& s, std::vector<step> const& steps, std::size_t begin, std::size_t end)
{
    std::vector<pending> block;
    json commands = json::array();
    for (auto i = begin; i < end; ++i) {
        auto p = prepare(s, steps[i], i);
        if (!p) {
            auto const& target = std::holds_alternative<get_step>(steps[i].action) ? std::get<get_step>(steps[i].action).target
                                                                                   : std::get<call_step>(steps[i].action).target;
            auto& k = s.add_check(check_kind::step, steps[i].pointer, "call " + target, steps[i].clauses);
            auto const owner = text(s, target).substr(0, text(s, target).find('.'));
            s.fail(k, "\"" + owner + "\" to be an object the IUT returned", "nothing of that name was returned", target,
                   "an object the IUT returned", "nothing returned");
            return stop_reason::failed;
        }
        block.push_back(std::move(*p));
        commands.push_back(block.back().command);
    }
    auto const at = s.trace.size();
    json const command = block.size() == 1 ? commands[0] : json{{"op", "batch"}, {"commands", commands}};
    auto const r = s.iut->execute(command, s.command_timeout());
    if (r.kind == reply_kind::timeout && s.interrupted()) // Ctrl-C cut the wait short: no verdict on it
        return stop_reason::interrupted;
    std::vector<reply> replies;
    if (r.kind == reply_kind::value && block.size() > 1) {
        if (!r.value.is_array() || r.value.size() != block.size()) {
            auto& k = s.add_check(check_kind::step, block.front().st->pointer, title_of(block.front()),
                                  block.front().st->clauses);
            s.broke(k, check_status::error, "one reply per command of the block",
                    block.front().st->pointer + ": the IUT answered a block of " + std::to_string(block.size()) +
                        " commands with " + brief(r.value, 200));
            return stop_reason::error;
        }
        for (auto const& one : r.value)
            replies.push_back(reply_from_json(one));
    } else {
        replies.assign(block.size(), r);
    }
    // The block's calls and their results, in order, before any event it caused.
    std::vector<json> entries;
    std::map<std::string, std::string> made; // objects the block itself returned: name -> handle id
    for (std::size_t k = 0; k < block.size(); ++k) {
        auto const it = made.find(block[k].owner);
        auto const handle = it != made.end() ? it->second
                            : s.bound.count(block[k].owner) ? handle_id(s, block[k].owner) : std::string();
        entries.push_back(block_entry(block[k], replies[k], handle));
        if (!block[k].base.empty() && is_handle(replies[k].value))
            made[block[k].base] = handle_of(replies[k].value, "");
    }
    s.trace.insert(at, std::move(entries));
    auto why = stop_reason::none;
    for (std::size_t i = 0; i < block.size(); ++i) {
        auto& k = s.add_check(check_kind::step, block[i].st->pointer, title_of(block[i]), block[i].st->clauses);
        k.seqs = {at + i + 1};
        if (why != stop_reason::none) {
            k.result = check_status::not_run;
            continue;
        }
        why = finish(s, block[i], replies[i], k);
    }
    return why;
}

} // namespace sockconf::harness::detail
