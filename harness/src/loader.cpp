#include <sockconf/common/json_file.hpp>
#include <sockconf/common/json_reader.hpp>
#include <sockconf/echo/servers.hpp>
#include <sockconf/harness/loader.hpp>
#include <sockconf/harness/matcher.hpp>

#include "detail/case_file.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

namespace sockconf::harness {

namespace fs = std::filesystem;

std::string test_case::where(std::string const& sub_pointer) const
{
    return file + "#" + pointer + sub_pointer;
}

std::optional<call_step::promise_rule> call_step::promise_for(json const& profile_raw) const
{
    if (promise_variable.empty())
        return promise;
    // "${profile.PATH}" (checked when the case loaded): the value at PATH.
    auto const path = promise_variable.substr(10, promise_variable.size() - 11);
    auto const* v = lookup(profile_raw, path);
    if (!v || !v->is_boolean())
        return std::nullopt;
    return v->get<bool>() ? promise_rule::always : promise_rule::never;
}

bool known_variable(std::string const& name)
{
    static std::set<std::string> const names = {"ws", "wss", "ws.port", "wss.port", "tag", "tcp.host", "tcp.port",
                                                "tcp.closed_port", "lan.host", "lan.port", "i"};
    // listen.NAME.port / .tag / .host: from a "listen" step of the case.
    static std::regex const listen_var(R"(listen\.[a-z0-9_]+\.(port|tag|host)|bound\.[a-z0-9_]+)");
    return names.count(name) || name.rfind("profile.", 0) == 0 || std::regex_match(name, listen_var);
}

namespace {

std::optional<std::int64_t> count_or_variable(json_reader const& r, std::int64_t lo, std::int64_t hi);

name_list read_names(json_reader const& r)
{
    if (r.value().is_string())
        return {r.string()};
    r.expect_array();
    name_list out;
    for (std::size_t i = 0; i < r.size(); ++i)
        out.push_back(r.at(i).non_empty_string());
    return out;
}

// Validates one case's steps and expectations (shapes, call targets against the
// API catalog, declared names, matchers, variables) and builds their types.
class case_builder {
public:
    case_builder(api_catalog const& api, std::vector<std::string> const& case_clauses, std::string case_pointer)
        : case_pointer_(std::move(case_pointer)), api_(api), case_clauses_(case_clauses) {}

    std::vector<step> steps(json_reader const& list)
    {
        list.expect_array();
        std::vector<step> out;
        for (std::size_t i = 0; i < list.size(); ++i)
            out.push_back(one_step(list.at(i), i));
        return out;
    }

    std::vector<expect_entry> expectations(json_reader const& list)
    {
        list.expect_array();
        std::vector<expect_entry> out;
        for (std::size_t i = 0; i < list.size(); ++i)
            out.push_back(one_expectation(list.at(i)));
        return out;
    }

    /// "clauses" on a step, expectation or outcome: a non-empty subset of the case's.
    std::vector<std::string> own_clauses(json_reader const& holder) const
    {
        auto c = holder.find("clauses");
        if (!c)
            return {};
        c->expect_array();
        if (c->size() == 0)
            c->fail("E-EMPTY", "expected at least one clause (leave \"clauses\" out to mean all of the case's)");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < c->size(); ++i) {
            auto const id = c->at(i).non_empty_string();
            if (std::find(case_clauses_.begin(), case_clauses_.end(), id) == case_clauses_.end())
                c->at(i).fail("E-CASE-CLAUSE", "\"" + id + "\" is not one of the case's clauses (a check tests "
                                                            "clauses the case cites)");
            out.push_back(id);
        }
        return out;
    }

private:
    static bool has_var(std::string const& s) { return s.find("${") != std::string::npos; }

    /// The pointer of `r` relative to the case (`case_pointer_` is the case's own).
    std::string rel(json_reader const& r) const { return r.pointer().substr(case_pointer_.size()); }

    /// Inside repeat, "t${i}" stands for t0 ... t{K-1}: names are checked per iteration.
    std::vector<std::string> expand(std::string const& name) const
    {
        auto const at = name.find("${i}");
        if (loops_.empty() || at == std::string::npos)
            return {name};
        std::vector<std::string> out;
        for (std::int64_t k = 0; k < loops_.back(); ++k) {
            auto n = name;
            for (auto p = n.find("${i}"); p != std::string::npos; p = n.find("${i}"))
                n.replace(p, 4, std::to_string(k));
            out.push_back(n);
        }
        return out;
    }

    void name_known(json_reader const& r, std::string const& name)
    {
        for (auto const& n : expand(name))
            if (!has_var(n) && !declared_.count(n))
                r.fail("E-CASE-NAME", "\"" + n + "\" is not a listener or callback this case declares" + hint());
    }

    std::string hint() const
    {
        std::string s;
        for (auto const& d : declared_)
            s += (s.empty() ? " (declared: " : ", ") + d;
        return s.empty() ? "" : s + ")";
    }

    name_list names(json_reader const& r)
    {
        if (r.value().is_string()) {
            name_known(r, r.string());
            return {r.string()};
        }
        r.expect_array();
        if (r.size() == 0)
            r.fail("E-EMPTY", "expected at least one name");
        name_list out;
        for (std::size_t i = 0; i < r.size(); ++i) {
            out.push_back(r.at(i).non_empty_string());
            name_known(r.at(i), out.back());
        }
        return out;
    }

    step one_step(json_reader const& s, std::size_t index)
    {
        s.expect_object();
        step out;
        out.pointer = rel(s);
        out.clauses = own_clauses(s);
        auto const& v = s.value();
        if (v.contains("call"))
            out.action = call(s, index);
        else if (v.contains("get"))
            out.action = get(s);
        else if (v.contains("wait"))
            out.action = wait(s);
        else if (v.contains("sleep_ms")) {
            s.only_keys({"sleep_ms", "clauses"});
            out.action = sleep_step{s.at("sleep_ms").integer_in(0, 600'000)};
        } else if (v.contains("listen"))
            out.action = listen(s);
        else if (v.contains("advance_clock_ms")) {
            s.only_keys({"advance_clock_ms", "clauses"});
            count_or_variable(s.at("advance_clock_ms"), 0, 86'400'000);
            out.action = advance_clock_step{v["advance_clock_ms"]};
        } else if (v.contains("wire")) {
            s.only_keys({"wire", "clauses"});
            out.action = wire_step{wire(s.at("wire"))};
        } else if (v.contains("repeat")) {
            s.only_keys({"repeat", "steps", "clauses"});
            // A count known only at run time is checked as one iteration.
            loops_.push_back(count_or_variable(s.at("repeat"), 0, 10'000).value_or(1));
            repeat_step r{v["repeat"], steps(s.at("steps"))};
            loops_.pop_back();
            out.action = std::move(r);
        } else {
            s.fail("E-CASE-STEP", "a step has one of call, get, wait, sleep_ms, advance_clock_ms, listen, wire, repeat; " +
                                      describe_found(v));
        }
        return out;
    }

    get_step get(json_reader const& s)
    {
        s.only_keys({"get", "as", "expect", "clauses"});
        get_step g;
        g.target = s.at("get").non_empty_string();
        auto dot = g.target.find('.');
        if (dot == std::string::npos)
            s.at("get").fail("E-CASE-TARGET", "expected \"name.property\", got \"" + g.target + "\"");
        auto cls = bound_class(s.at("get"), g.target.substr(0, dot));
        if (api_.find_class(cls) && !api_.readable(cls, g.target.substr(dot + 1)))
            s.at("get").fail("E-CASE-TARGET", cls + " has no property, method or absent name \"" +
                                                  g.target.substr(dot + 1) + "\" (specs/api.json)");
        if (auto e = s.find("expect"))
            g.expect = parse_matcher(*e);
        if (auto as = s.find("as")) {
            g.as = as->non_empty_string();
            for (auto const& n : expand(g.as))
                bound_[n] = "";
        }
        return g;
    }

    wait_step wait(json_reader const& s)
    {
        s.only_keys({"wait", "clauses"});
        auto w = s.at("wait");
        wait_step out;
        if (w.value().is_string()) {
            name_known(w, w.string());
            out.names = {w.string()};
            return out;
        }
        w.only_keys({"for", "match", "count", "timeout_ms", "bind"});
        if (auto b = w.find("bind")) {
            b->expect_object();
            static std::regex const var_re("[a-z0-9_]+");
            for (auto const& [var, _] : b->value().items()) {
                if (!std::regex_match(var, var_re))
                    b->at(var).fail("E-CASE-NAME", "a bound variable name is [a-z0-9_]+, got \"" + var + "\"");
                out.bind.emplace_back(var, b->at(var).non_empty_string());
            }
        }
        out.names = names(w.at("for"));
        if (auto m = w.find("match"))
            out.match = parse_pattern(*m);
        if (auto c = w.find("count"))
            out.count = static_cast<std::size_t>(c->integer_in(1, 1'000'000));
        if (auto t = w.find("timeout_ms"))
            out.timeout_ms = t->integer_in(1, 3'600'000);
        return out;
    }

    listen_step listen(json_reader const& s)
    {
        s.only_keys({"listen", "clauses"});
        auto l = s.at("listen");
        l.only_keys({"as", "behaviour", "bytes", "port", "family"});
        static std::regex const name_re("[a-z0-9_]+");
        listen_step out;
        out.as = l.at("as").non_empty_string();
        if (!std::regex_match(out.as, name_re))
            l.at("as").fail("E-CASE-NAME", "a listener name is [a-z0-9_]+, got \"" + out.as + "\"");
        if (auto b = l.find("behaviour")) {
            out.behaviour_name = b->string();
            auto const kind = echo::tcp_behaviour_from_name(out.behaviour_name);
            if (!kind)
                b->fail("E-ENUM", "expected " + echo::tcp_behaviour_names(" or ") + ", got \"" + out.behaviour_name + "\"");
            out.behaviour = *kind;
        }
        if (auto n = l.find("bytes")) {
            count_or_variable(*n, 0, 1'000'000'000);
            out.bytes = n->value();
        }
        if (auto p = l.find("port")) {
            count_or_variable(*p, 0, 65535);
            out.port = p->value();
        }
        if (auto f = l.find("family")) {
            out.family = f->string();
            if (out.family != "ipv4" && out.family != "ipv6")
                f->fail("E-ENUM", "expected ipv4 or ipv6, got \"" + out.family + "\"");
        }
        return out;
    }

    std::string bound_class(json_reader const& at, std::string const& raw_name)
    {
        auto const expanded = expand(raw_name);
        if (expanded.empty()) // repeat 0: nothing runs
            return "";
        auto const& name = expanded.front();
        if (has_var(name))
            return "";
        auto it = bound_.find(name);
        if (it == bound_.end())
            at.fail("E-CASE-NAME", "\"" + name + "\" is not bound by an earlier step's \"as\"");
        return it->second;
    }

    call_step call(json_reader const& s, std::size_t index)
    {
        s.only_keys({"call", "args", "as", "listener", "callbacks", "returns", "throws", "may_throw", "promise", "clauses"});
        call_step c;
        if (auto pr = s.find("promise")) {
            if (pr->value().is_string()) {
                static std::regex const one_var(R"(\$\{profile\.[^}]+\})");
                c.promise_variable = pr->string();
                if (!std::regex_match(c.promise_variable, one_var))
                    pr->fail("E-TYPE", "expected true, false or one \"${profile.…}\" variable, got \"" +
                                           c.promise_variable + "\"");
            } else {
                c.promise = pr->boolean() ? call_step::promise_rule::always : call_step::promise_rule::never;
            }
        }
        auto target_r = s.at("call");
        c.target = target_r.non_empty_string();
        auto const& target = c.target;
        auto const dot = target.find('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == target.size())
            target_r.fail("E-CASE-TARGET", "expected \"wx.function\" or \"name.method\", got \"" + target + "\"");
        std::optional<api_entry> entry;
        if (target.rfind("wx.", 0) == 0) {
            entry = api_.function(target);
            if (!entry)
                target_r.fail("E-CASE-TARGET", "unknown function \"" + target + "\" (see specs/api.json)");
        } else {
            auto const cls = bound_class(target_r, target.substr(0, dot));
            if (!cls.empty()) {
                entry = api_.method(cls, target.substr(dot + 1));
                if (!entry)
                    target_r.fail("E-CASE-TARGET", cls + " has no method \"" + target.substr(dot + 1) +
                                                       "\" (see specs/api.json)");
            }
        }
        if (auto a = s.find("args")) {
            if (!a->value().is_object() && !a->value().is_array())
                a->fail("E-TYPE", "args is an object (the options argument) or an array of arguments, " +
                                      describe_found(a->value()));
            c.args = a->value();
        }
        if (auto l = s.find("listener")) {
            c.listener = l->non_empty_string();
            if (entry && entry->adds_listener.empty() && entry->removes_listener.empty())
                l->fail("E-CASE-LISTENER", "\"" + target + "\" takes no listener");
            if (s.find("args"))
                l->fail("E-CASE-LISTENER", "give either listener or args, not both");
            if (entry && !entry->adds_listener.empty())
                for (auto const& n : expand(c.listener))
                    declared_.insert(n);
            else
                for (auto const& n : expand(c.listener))
                    if (!has_var(n) && !declared_.count(n))
                        l->fail("E-CASE-NAME", "off* of \"" + n + "\", which no on* step added" + hint());
        }
        if (auto cb = s.find("callbacks"))
            c.callbacks = cb->boolean();
        bool const callbacks = entry && entry->callbacks && c.callbacks;
        std::string base = "step" + std::to_string(index);
        if (auto as = s.find("as")) {
            c.as = as->non_empty_string();
            base = c.as;
            for (auto const& n : expand(base))
                bound_[n] = entry ? entry->returns : "";
        }
        if (callbacks)
            for (auto const& n : expand(base))
                for (auto const* suffix : {".success", ".fail", ".complete"})
                    declared_.insert(n + suffix);
        if (auto r = s.find("returns"))
            c.returns = parse_matcher(*r);
        if (auto t = s.find("throws")) {
            if (t->value().is_boolean()) {
                if (t->boolean())
                    c.throws = call_step::throw_rule::any;
            } else {
                c.throws = call_step::throw_rule::matching;
                c.throw_message = parse_matcher(*t);
            }
        }
        if (auto m = s.find("may_throw"); m && m->boolean()) {
            if (s.find("throws"))
                m->fail("E-CASE-STEP", "give either throws (it must throw) or may_throw (it may), not both");
            c.throws = call_step::throw_rule::may;
            for (auto const& n : expand(base))
                declared_.insert(n + ".threw");
        }
        return c;
    }

    wire_spec wire(json_reader const& w)
    {
        w.only_keys({"tag", "count", "index", "match", "timeout_ms"});
        wire_spec out;
        if (auto t = w.find("tag")) {
            t->non_empty_string();
            out.tag = t->value();
        }
        if (auto c = w.find("count")) {
            count_or_variable(*c, 0, 1'000'000);
            out.count = c->value();
        }
        if (auto i = w.find("index"))
            out.index = static_cast<std::size_t>(i->integer_in(0, 1'000'000));
        if (auto m = w.find("match"))
            out.match = parse_pattern(*m);
        if (auto t = w.find("timeout_ms"))
            out.timeout_ms = t->integer_in(1, 3'600'000);
        return out;
    }

    expect_entry one_expectation(json_reader const& e)
    {
        e.expect_object();
        expect_entry out;
        out.pointer = rel(e);
        out.clauses = own_clauses(e);
        auto const& v = e.value();
        auto const bound = [&](char const* k) -> std::optional<std::size_t> {
            if (auto x = e.find(k))
                return static_cast<std::size_t>(x->integer_in(0, 1'000'000));
            return std::nullopt;
        };
        if (v.contains("order")) {
            e.only_keys({"order", "clauses"});
            out.what = order_expect{names(e.at("order"))};
        } else if (v.contains("once") || v.contains("never")) {
            bool const once = v.contains("once");
            auto const key = once ? "once" : "never";
            e.only_keys({key, "clauses"});
            count_expect c;
            c.kind = once ? count_expect::form::once : count_expect::form::never;
            c.names = names(e.at(key));
            out.what = std::move(c);
        } else if (v.contains("count")) {
            e.only_keys({"count", "equals", "min", "max", "clauses"});
            count_expect c;
            c.names = names(e.at("count"));
            if (!v.contains("equals") && !v.contains("min") && !v.contains("max"))
                e.fail("E-CASE-EXPECT", "count needs equals, min or max");
            c.equals = bound("equals");
            c.min = bound("min");
            c.max = bound("max");
            out.what = std::move(c);
        } else if (v.contains("event")) {
            e.only_keys({"event", "nth", "match", "clauses"});
            event_expect x;
            x.names = names(e.at("event"));
            x.nth = bound("nth").value_or(0);
            x.match = parse_pattern(e.at("match"));
            out.what = std::move(x);
        } else if (v.contains("wire")) {
            e.only_keys({"wire", "clauses"});
            out.what = wire_expect{wire(e.at("wire"))};
        } else {
            e.fail("E-CASE-EXPECT", "an expectation has one of order, once, never, count, event, wire; " +
                                        describe_found(v));
        }
        return out;
    }

    std::string case_pointer_; ///< of the case in its file
    api_catalog const& api_;
    std::vector<std::string> const& case_clauses_;
    std::map<std::string, std::string> bound_; ///< name -> class ("" when unknown)
    std::set<std::string> declared_;           ///< listener and callback names
    std::vector<std::int64_t> loops_;          ///< counts of the enclosing repeats
};

void check_variables(json_reader const& r);

/// An integer, or a string that is one variable (e.g. "${profile.limits.max_concurrent_websockets}");
/// nullopt for the variable, whose value is known only when the case runs.
std::optional<std::int64_t> count_or_variable(json_reader const& r, std::int64_t lo, std::int64_t hi)
{
    if (r.value().is_string()) {
        static std::regex const one_var(R"(\$\{[^}]+\})");
        if (!std::regex_match(r.value().get_ref<std::string const&>(), one_var))
            r.fail("E-TYPE", "expected an integer or a \"${variable}\", " + describe_found(r.value()));
        return std::nullopt;
    }
    return r.integer_in(lo, hi);
}

void check_variables(json_reader const& r)
{
    static std::regex const var_re(R"(\$\{([^}]*)\})");
    auto const& v = r.value();
    if (v.is_string()) {
        auto const& s = v.get_ref<std::string const&>();
        for (std::sregex_iterator it(s.begin(), s.end(), var_re), end; it != end; ++it)
            if (!known_variable((*it)[1].str()))
                r.fail("E-CASE-VARIABLE", "unknown variable ${" + (*it)[1].str() +
                                              "} (ws, wss, ws.port, wss.port, tag, tcp.host, tcp.port, tcp.closed_port, lan.host, lan.port, i, profile.*, "
                                              "listen.NAME.port, listen.NAME.tag, listen.NAME.host, bound.NAME)");
    } else if (v.is_object()) {
        // Values written in the case format (suites/README.md, "Patterns and matchers").
        if (v.contains("$arraybuffer_text")) {
            r.only_keys({"$arraybuffer_text"});
            r.at("$arraybuffer_text").string();
        } else if (v.contains("$repeat")) {
            r.only_keys({"$repeat", "times"});
            r.at("$repeat").string();
            count_or_variable(r.at("times"), 0, 1'000'000);
        } else if (v.contains("$concat")) {
            r.only_keys({"$concat"});
            r.at("$concat").expect_array();
        }
        for (auto const& [k, _] : v.items())
            check_variables(r.at(k));
    } else if (v.is_array()) {
        for (std::size_t i = 0; i < r.size(); ++i)
            check_variables(r.at(i));
    }
}

std::vector<std::string> string_list(json_reader const& r, bool non_empty)
{
    r.expect_array();
    if (non_empty && r.size() == 0)
        r.fail("E-EMPTY", "expected at least one entry");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < r.size(); ++i)
        out.push_back(r.at(i).non_empty_string());
    return out;
}

} // namespace

bool step::synchronous() const noexcept
{
    return std::holds_alternative<call_step>(action) || std::holds_alternative<get_step>(action);
}

std::vector<std::string> const& test_case::clauses_of(std::vector<std::string> const& own) const
{
    return own.empty() ? clauses : own;
}

std::int64_t fixed_wait_ms(test_case const& c)
{
    std::int64_t ms = 0;
    for (auto const& s : c.steps)
        if (auto const* sl = std::get_if<sleep_step>(&s.action))
            ms += sl->ms;
    return ms;
}

test_case parse_case(json const& doc, std::string const& file, std::string const& pointer,
                     api_catalog const& api, clause_catalog const& clauses)
{
    static std::regex const id_re("[a-z0-9][a-z0-9.-]*");
    json_reader r(doc, file, pointer);
    // "$schema": where editors find the case schema (specs/schemas/); nothing to the harness.
    r.only_keys({"$schema", "id", "title", "clauses", "tags", "requires", "when", "slow", "fresh", "timeout_ms", "steps", "expect", "outcomes", "notes"});
    test_case c;
    c.file = file;
    c.pointer = pointer;
    c.id = r.at("id").non_empty_string();
    if (!std::regex_match(c.id, id_re))
        r.at("id").fail("E-CASE-ID", "a case id is lower-case letters, digits, '.' and '-', got \"" + c.id + "\"");
    c.title = r.at("title").non_empty_string();
    auto cl = r.at("clauses");
    c.clauses = string_list(cl, true);
    for (std::size_t i = 0; i < c.clauses.size(); ++i)
        if (!clauses.find(c.clauses[i]))
            cl.at(i).fail("E-CASE-CLAUSE", "unknown clause \"" + c.clauses[i] + "\" (see specs/clauses/)");
    if (auto q = r.find("requires")) c.requires_caps = string_list(*q, false);
    if (auto t = r.find("tags")) {
        c.tags = string_list(*t, false);
        for (std::size_t i = 0; i < c.tags.size(); ++i)
            if (!std::regex_match(c.tags[i], id_re))
                t->at(i).fail("E-CASE-TAG", "a tag is lower-case letters, digits, '.' and '-', got \"" + c.tags[i] + "\"");
    }
    if (auto t = r.find("timeout_ms")) c.timeout_ms = t->integer_in(100, 3'600'000);
    if (auto f = r.find("fresh")) c.fresh = f->boolean();
    if (auto s = r.find("slow")) {
        // true, or {"unless": CAPABILITY}: slow only for an IUT without it.
        if (s->value().is_object()) {
            s->only_keys({"unless"});
            c.slow = true;
            c.slow_unless = s->at("unless").non_empty_string();
        } else {
            c.slow = s->boolean();
        }
    }
    if (auto w = r.find("when"))
        c.when = parse_pattern(*w);

    // What the case does (not its notes) names the LAN peer: it needs `--lan-peer`.
    for (auto const* part : {"steps", "expect", "outcomes"})
        if (r.value().contains(part) && r.value()[part].dump().find("${lan.") != std::string::npos)
            c.needs_lan_peer = true;
    case_builder b(api, c.clauses, pointer);
    check_variables(r.at("steps"));
    c.steps = b.steps(r.at("steps"));
    // The legacy globals act on the platform's one global socket and its listeners, which a
    // reused IUT instance carries over from earlier cases (a close the previous case's reset
    // started reached the next case's wx.onSocketClose): such a case is fresh whatever it
    // says (D64).
    if (std::find(c.requires_caps.begin(), c.requires_caps.end(), "legacy-globals") != c.requires_caps.end())
        c.fresh = true;
    if (auto e = r.find("expect")) {
        check_variables(*e);
        c.expect = b.expectations(*e);
    }
    if (auto os = r.find("outcomes")) {
        os->expect_array();
        if (os->size() == 0)
            os->fail("E-EMPTY", "outcomes lists at least one allowed outcome");
        for (std::size_t i = 0; i < os->size(); ++i) {
            auto o = os->at(i);
            o.only_keys({"name", "grade", "expect", "clauses"});
            outcome out;
            out.name = o.at("name").non_empty_string();
            auto const grade = o.at("grade").string();
            auto st = reports::status_from_string(grade);
            if (!st || !(*st == reports::status::pass || *st == reports::status::non_strict ||
                         *st == reports::status::informational))
                o.at("grade").fail("E-ENUM", "expected PASS, NON-STRICT or INFORMATIONAL, got \"" + grade + "\"");
            out.grade = *st;
            out.clauses = b.own_clauses(o);
            check_variables(o.at("expect"));
            out.expect = b.expectations(o.at("expect"));
            out.pointer = o.pointer().substr(pointer.size());
            c.outcomes.push_back(std::move(out));
        }
    }
    return c;
}

load_result detail::load_case_document(json const& doc, std::string const& f, api_catalog const& api,
                                       clause_catalog const& clauses, json_schema const* schema)
{
    load_result out;
    auto& errors = out.errors; // every error of this file
    auto& found = out.cases;
    auto const add = [&](spec_error e) {
        // The schema and the loader may both see one problem: say it once.
        for (auto const& x : errors)
            if (x.id() == e.id() && x.pointer() == e.pointer())
                return;
        errors.push_back(std::move(e));
    };
    try {
        std::vector<spec_error> schema_errors;
        if (schema)
            schema_errors = schema->validate(doc, f);
        // A case the schema faulted is not parsed: its structure is already reported.
        auto const faulted = [&](std::string const& case_pointer) {
            return std::any_of(schema_errors.begin(), schema_errors.end(), [&](spec_error const& e) {
                auto const& p = e.pointer();
                return case_pointer.empty() || p == case_pointer || p.rfind(case_pointer + "/", 0) == 0;
            });
        };
        for (auto& e : schema_errors)
            add(std::move(e));
        auto const parse = [&](json const& c, std::string const& pointer) {
            if (faulted(pointer))
                return;
            try {
                found.push_back(parse_case(c, f, pointer, api, clauses));
            } catch (spec_error const& e) {
                add(e); // and on with the next case
            }
        };
        if (doc.is_object() && doc.contains("cases") && !doc.contains("id")) {
            json_reader r(doc, f);
            try {
                r.only_keys({"cases", "notes", "$schema"});
            } catch (spec_error const& e) {
                add(e);
            }
            auto list = r.at("cases");
            list.expect_array();
            for (std::size_t i = 0; i < list.size(); ++i)
                parse(list.at(i).value(), list.at(i).pointer());
        } else if (schema_errors.empty()) {
            parse(doc, "");
        }
    } catch (spec_error const& e) {
        add(e);
    }
    return out;
}

load_result load_suites(std::vector<std::string> const& paths, api_catalog const& api,
                        clause_catalog const& clauses, std::string const& suites_root, json_schema const* schema)
{
    std::vector<std::string> files;
    load_result out;
    for (auto const& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            for (auto const& e : fs::recursive_directory_iterator(p))
                if (e.is_regular_file() && e.path().extension() == ".json")
                    files.push_back(e.path().string());
        } else if (fs::exists(p, ec)) {
            files.push_back(p);
        } else {
            out.errors.emplace_back("E-FILE-READ", p, "", "no such file or directory");
        }
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());

    std::map<std::string, std::string> seen; // id -> where
    for (auto const& f : files) {
        load_result file_out;
        try {
            file_out = detail::load_case_document(read_json_file(f), f, api, clauses, schema);
        } catch (spec_error const& e) {
            file_out.errors.push_back(e); // E-FILE-READ, E-JSON-SYNTAX
        }
        auto& errors = file_out.errors;
        auto& found = file_out.cases;
        auto const add = [&](spec_error e) {
            for (auto const& x : errors) // said once, as in load_case_document
                if (x.id() == e.id() && x.pointer() == e.pointer())
                    return;
            errors.push_back(std::move(e));
        };
        // The suite is the first folder below the suites root ("websocket", "tcp").
        std::string suite = fs::path(f).parent_path().filename().string();
        if (!suites_root.empty()) {
            std::error_code rel_ec;
            auto rel = fs::relative(f, suites_root, rel_ec);
            // Outside the root (a file named on the command line), the folder name stays.
            if (!rel.empty() && *rel.begin() != ".." && std::next(rel.begin()) != rel.end())
                suite = rel.begin()->string();
        }
        auto known = seen;
        for (auto& c : found) {
            c.suite = suite;
            if (auto it = known.find(c.id); it != known.end())
                add(spec_error("E-CASE-DUPLICATE", f, c.pointer + "/id",
                               "case id \"" + c.id + "\" is also used at " + it->second));
            else
                known[c.id] = c.where("");
        }
        if (errors.empty()) { // a file's cases count only if the whole file is good
            seen = std::move(known);
            for (auto& c : found)
                out.cases.push_back(std::move(c));
        }
        out.errors.insert(out.errors.end(), errors.begin(), errors.end());
    }
    std::sort(out.cases.begin(), out.cases.end(),
              [](test_case const& a, test_case const& b) { return a.id < b.id; });
    return out;
}

} // namespace sockconf::harness
