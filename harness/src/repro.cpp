// The case as JavaScript: steps, expectations and outcomes written as an app would
// write the calls, with the helpers of detail/repro_runtime.js (embedded at build
// time) appended. The structure of the output is described in repro.hpp.
#include <sockconf/common/spec_error.hpp>
#include <sockconf/harness/matcher.hpp>
#include <sockconf/harness/repro.hpp>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace sockconf::harness {

namespace detail {
extern char const repro_runtime_js[]; // detail/repro_runtime.js, see CMakeLists.txt
}

namespace {

/// The adapter shim's bound on a returned Promise (adapters/js/shim.mjs,
/// DEFAULT_PROMISE_TIMEOUT_MS): the script waits as long.
constexpr int promise_timeout_ms = 5000;

bool is_identifier(std::string const& s)
{
    static std::regex const re("^[A-Za-z_$][A-Za-z0-9_$]*$");
    static std::set<std::string> const reserved = {
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else",
        "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof",
        "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void",
        "while", "with", "yield", "let", "static", "implements", "interface", "package", "private", "protected",
        "public", "await", "async", "undefined", "NaN", "Infinity", "arguments", "eval"};
    return std::regex_match(s, re) && !reserved.count(s);
}

/// A JS string literal (JSON's escapes are JavaScript's).
std::string js_string(std::string const& s) { return json(s).dump(-1, ' ', false, json::error_handler_t::replace); }

/// Text for inside a template literal: JSON's escapes, plus ` and ${.
std::string template_text(std::string const& s)
{
    auto const quoted = js_string(s);
    std::string out;
    for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
        char const ch = quoted[i];
        if (ch == '\\' && quoted[i + 1] == '"') {
            out += '"';
            ++i;
        } else if (ch == '`') {
            out += "\\`";
        } else if (ch == '$' && i + 2 < quoted.size() && quoted[i + 1] == '{') {
            out += "\\$";
        } else {
            out += ch;
        }
    }
    return out;
}

std::string key_text(std::string const& k) { return is_identifier(k) ? k : js_string(k); }

std::string join(std::vector<std::string> const& parts, std::string const& sep)
{
    std::string out;
    for (auto const& p : parts)
        out += (out.empty() ? "" : sep) + p;
    return out;
}

std::string dump(json const& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

/// Helper names of the runtime, and the script's own: a case's object may not take them.
std::set<std::string> const& taken_names()
{
    static std::set<std::string> const names = {
        "SERVE", "FACTS", "TAG", "WS_PORT", "WSS_PORT", "TCP_PORT", "CLOSED_PORT", "objects", "wx", "i", "e",
        "bound", "listeners", "isThenable", "arrayBuffer", "utf8", "portOf", "beginBlock", "endBlock", "fn",
        "callbacks", "listener", "settled", "promiseForm", "returned", "throws", "mayThrow", "threw", "mustReturn", "got", "until", "sleep",
        "listen", "tcpEcho", "closedPort", "wireStep", "wire", "expect", "order", "once", "never", "count", "event",
        "outcomes", "invariants", "start", "stepsStopped", "settle", "finish", "sockconfRuntime", "globalThis",
        "console", "Object", "Promise", "JSON", "String", "Number", "Array", "Math", "Date", "Error", "fetch"};
    return names;
}

class generator {
public:
    generator(test_case const& c, repro_context const& ctx) : c_(c), ctx_(ctx) {}

    std::string script(std::vector<std::string> const& about)
    {
        plan(c_.steps);
        // The body first: it tells which variables, helpers and servers the case uses.
        std::string body;
        {
            std::ostringstream steps;
            emit_steps(steps, c_.steps, 3);
            steps_ = steps.str();
        }
        std::ostringstream checks;
        emit_checks(checks);
        auto const checks_text = checks.str();

        std::ostringstream o;
        emit_header(o, about);
        o << "(async function sockconfRepro() {\n"
          << "  \"use strict\";\n\n";
        emit_serve(o);
        emit_facts(o);
        o << "  const {\n    " << join(std::vector<std::string>(helpers_.begin(), helpers_.end()), ", ")
          << ",\n  } = sockconfRuntime(FACTS, SERVE);\n";
        if (uses_.count("ws.port"))
            o << "  const WS_PORT = portOf(SERVE.ws);\n";
        if (uses_.count("wss.port"))
            o << "  const WSS_PORT = portOf(SERVE.wss);\n";
        std::vector<std::string> lets;
        for (auto const& [name, var] : object_vars_)
            if (var.rfind("objects[", 0) != 0)
                lets.push_back(var);
        std::sort(lets.begin(), lets.end());
        lets.erase(std::unique(lets.begin(), lets.end()), lets.end());
        if (uses_tcp_port_)
            lets.push_back("TCP_PORT");
        if (uses_closed_port_)
            lets.push_back("CLOSED_PORT");
        if (!lets.empty())
            o << "  let " << join(lets, ", ") << ";" << (object_vars_.empty() ? "" : " // what the case creates (and ports)")
              << "\n";
        if (uses_objects_)
            o << "  const objects = {}; // objects whose names the case makes in a loop (t${i})\n";
        o << "\n  if (start()) {\n"
          << "    // ---- The steps -------------------------------------------------------------\n"
          << "    try {\n";
        if (uses_tcp_port_)
            o << "      TCP_PORT = await tcpEcho(); // ${tcp.port}: a TCP echo listener of this run (its connections carry TAG)\n";
        if (uses_closed_port_)
            o << "      CLOSED_PORT = await closedPort(); // ${tcp.closed_port}: a loopback port where nothing listens\n";
        o << steps_ << "    } catch (e) {\n"
          << "      stepsStopped(e); // a wait or a wire step failed, time ran out, or a call threw\n"
          << "    }\n"
          << "    // ---- What to look for (checked after the settle time, " << ctx_.settings.settle_ms
          << " ms) ----\n"
          << "    if (await settle()) {\n"
          << checks_text << "    }\n"
          << "  }\n";
        lets.erase(std::remove(lets.begin(), lets.end(), "TCP_PORT"), lets.end());
        lets.erase(std::remove(lets.begin(), lets.end(), "CLOSED_PORT"), lets.end());
        if (uses_objects_)
            lets.push_back("...Object.values(objects)");
        o << "  return finish([" << join(lets, ", ") << "]); // the verdict; then what is still open is closed\n\n"
          << detail::repro_runtime_js << "})();\n";
        return o.str();
    }

private:
    // ---- planning: which names are objects, and their classes ------------------------

    /// Walk the steps once: the class each `as` will hold, the names used as call targets.
    void plan(std::vector<step> const& steps)
    {
        for (auto const& st : steps) {
            if (auto const* call = std::get_if<call_step>(&st.action)) {
                auto const owner = call->target.substr(0, call->target.find('.'));
                if (owner != "wx")
                    targets_.insert(owner);
                if (call->as.empty())
                    continue;
                if (call->as.find("${") == std::string::npos)
                    static_as_.insert(call->as);
                auto const entry = entry_of(call->target);
                if (entry && !entry->returns.empty())
                    classes_[call->as] = entry->returns;
                if (call->throws == call_step::throw_rule::may)
                    may_throw_.insert(call->as);
            } else if (auto const* get = std::get_if<get_step>(&st.action)) {
                targets_.insert(get->target.substr(0, get->target.find('.')));
            } else if (auto const* rp = std::get_if<repeat_step>(&st.action)) {
                plan(rp->steps);
            }
        }
    }

    /// The class of the object a name holds ("t0" matches an "as" of "t${i}").
    std::string class_of(std::string const& owner) const
    {
        if (auto it = classes_.find(owner); it != classes_.end())
            return it->second;
        for (auto const& [as, cls] : classes_)
            if (as.find("${") != std::string::npos && std::regex_match(owner, as_pattern(as)))
                return cls;
        return "";
    }

    static std::regex as_pattern(std::string const& as)
    {
        static std::regex const var_re(R"(\$\{[^}]*\})");
        static std::regex const special(R"([.^$|()\[\]{}*+?\\])");
        std::string re;
        std::size_t at = 0;
        for (std::sregex_iterator it(as.begin(), as.end(), var_re), end; it != end; ++it) {
            re += std::regex_replace(as.substr(at, it->position() - at), special, R"(\$&)") + ".+";
            at = it->position() + it->length();
        }
        re += std::regex_replace(as.substr(at), special, R"(\$&)");
        return std::regex(re);
    }

    bool is_may_throw(std::string const& owner) const
    {
        if (may_throw_.count(owner))
            return true;
        return std::any_of(may_throw_.begin(), may_throw_.end(), [&](auto const& as) {
            return as.find("${") != std::string::npos && std::regex_match(owner, as_pattern(as));
        });
    }

    std::optional<api_entry> entry_of(std::string const& target) const
    {
        auto const dot = target.find('.');
        auto const owner = target.substr(0, dot);
        auto const member = target.substr(dot + 1);
        if (owner == "wx")
            return ctx_.api.function(target);
        return ctx_.api.method(class_of(owner), member);
    }

    /// "wx.connectSocket", "SocketTask.send": the API a target calls.
    std::string api_of(std::string const& target) const
    {
        auto const dot = target.find('.');
        auto const owner = target.substr(0, dot);
        if (owner == "wx")
            return target;
        auto const cls = class_of(owner);
        return (cls.empty() ? owner : cls) + "." + target.substr(dot + 1);
    }

    /// The JS for the object a case name holds: a variable, or objects[...] for
    /// names made in a loop and names that are not identifiers.
    std::string object_expr(std::string const& name)
    {
        // A name the case binds as written: a variable. One made in a loop ("t0" of "t${i}"): objects[...].
        if (static_as_.count(name) && is_identifier(name) && !taken_names().count(name)) {
            object_vars_[name] = name;
            return name;
        }
        uses_objects_ = true;
        object_vars_[name] = "objects[...]";
        return "objects[" + string_expr(name) + "]";
    }

    // ---- values ------------------------------------------------------------------------

    /// The JS for ${name}: an expression, or (for profile values) the value itself.
    struct var_value {
        std::string expr;
        std::optional<json> literal;
    };

    var_value variable(std::string const& name)
    {
        auto const need = [&](char const* what) { uses_.insert(what); };
        if (name == "ws") return need("ws"), var_value{"SERVE.ws", {}};
        if (name == "wss") return need("wss"), var_value{"SERVE.wss", {}};
        if (name == "tag") return {"TAG", {}};
        if (name == "ws.port") return need("ws"), need("ws.port"), helper("portOf"), var_value{"WS_PORT", {}};
        if (name == "wss.port") return need("wss"), need("wss.port"), helper("portOf"), var_value{"WSS_PORT", {}};
        if (name == "tcp.host") return need("tcp"), var_value{"SERVE.tcp.host", {}};
        if (name == "tcp.port") {
            need("tcp");
            uses_tcp_port_ = true;
            helper("tcpEcho");
            return {"TCP_PORT", {}};
        }
        if (name == "tcp.closed_port") {
            need("control");
            uses_closed_port_ = true;
            helper("closedPort");
            return {"CLOSED_PORT", {}};
        }
        if (name == "lan.host") return need("lan"), var_value{"SERVE.lan.host", {}};
        if (name == "lan.port") return need("lan"), var_value{"SERVE.lan.port", {}};
        if (name == "i") {
            if (loop_depth_ == 0)
                throw spec_error("E-REPRO-VARIABLE", c_.file, c_.pointer, "${i} used outside repeat");
            return {"i", {}};
        }
        if (name.rfind("profile.", 0) == 0) {
            if (auto const* v = lookup(ctx_.prof.raw, name.substr(8)))
                return {"", *v};
            throw spec_error("E-REPRO-VARIABLE", c_.file, c_.pointer,
                             "the profile " + ctx_.prof.id + " has no value ${" + name + "}");
        }
        static std::regex const listen_re(R"(^listen\.(.+)\.(port|tag|host)$)");
        std::smatch m;
        if (std::regex_match(name, m, listen_re)) {
            helper("listeners");
            return {"listeners" + member_text(m[1].str()) + "." + m[2].str(), {}};
        }
        if (name.rfind("bound.", 0) == 0) {
            helper("bound");
            return {"bound" + member_text(name.substr(6)), {}};
        }
        throw spec_error("E-REPRO-VARIABLE", c_.file, c_.pointer, "unknown variable ${" + name + "}");
    }

    static std::string member_text(std::string const& k) { return is_identifier(k) ? "." + k : "[" + js_string(k) + "]"; }

    /// A string of the case as JS: a literal, the variable itself when it is the
    /// whole string (it keeps its type, as in the runner), else a template literal.
    std::string string_expr(std::string const& s)
    {
        if (s.find("${") == std::string::npos)
            return js_string(s);
        static std::regex const var_re(R"(\$\{([^}]*)\})");
        std::smatch whole;
        if (std::regex_match(s, whole, var_re)) {
            auto v = variable(whole[1].str());
            return v.literal ? js_value(*v.literal) : v.expr;
        }
        std::string out = "`";
        std::size_t at = 0;
        for (std::sregex_iterator it(s.begin(), s.end(), var_re), end; it != end; ++it) {
            out += template_text(s.substr(at, it->position() - at));
            auto v = variable((*it)[1].str());
            if (v.literal)
                out += template_text(v.literal->is_string() ? v.literal->get<std::string>() : dump(*v.literal));
            else
                out += "${" + v.expr + "}";
            at = it->position() + it->length();
        }
        return out + template_text(s.substr(at)) + "`";
    }

    /// A value written in the case (args, matchers, patterns) as a JS expression.
    /// `extra`: entries appended to an object (the callbacks).
    std::string js_value(json const& v, std::string const& extra = "")
    {
        if (v.is_string())
            return string_expr(v.get<std::string>());
        if (v.is_array()) {
            std::vector<std::string> parts;
            for (auto const& x : v)
                parts.push_back(js_value(x));
            return "[" + join(parts, ", ") + "]";
        }
        if (!v.is_object())
            return dump(v);
        if (v.size() == 1 && v.contains("$arraybuffer") && v["$arraybuffer"].is_string())
            return helper("arrayBuffer"), "arrayBuffer(" + js_string(v["$arraybuffer"].get<std::string>()) + ")";
        if (v.size() == 1 && v.contains("$arraybuffer_text"))
            return helper("utf8"), "utf8(" + js_value(v["$arraybuffer_text"]) + ")";
        if (v.size() == 2 && v.contains("$repeat") && v.contains("times"))
            return js_value(v["$repeat"]) + ".repeat(" + js_value(v["times"]) + ")";
        if (v.size() == 1 && v.contains("$concat") && v["$concat"].is_array()) {
            std::vector<std::string> parts;
            for (auto const& x : v["$concat"])
                parts.push_back(js_value(x));
            if (parts.empty() || !v["$concat"][0].is_string())
                parts.insert(parts.begin(), "\"\"");
            return "(" + join(parts, " + ") + ")";
        }
        // An argument written {"$typeof": "undefined"} is undefined (as the shim reads it); in a
        // matcher it stays the value a matcher compares with (the shim's form of undefined).
        if (in_args_ && v.size() == 1 && v.contains("$typeof") && v["$typeof"] == "undefined")
            return "undefined";
        std::vector<std::string> parts;
        for (auto const& [k, x] : v.items())
            parts.push_back(key_text(k) + ": " + js_value(x));
        if (!extra.empty())
            parts.push_back(extra);
        return parts.empty() ? "{}" : "{ " + join(parts, ", ") + " }";
    }

    /// Note a runtime helper the script calls (destructured at the top).
    void helper(std::string const& name) { helpers_.insert(name); }

    static std::string clauses_arg(std::vector<std::string> const& own)
    {
        if (own.empty())
            return "";
        std::vector<std::string> q;
        for (auto const& id : own)
            q.push_back(js_string(id));
        return ", [" + join(q, ", ") + "]";
    }

    std::string names_expr(name_list const& names)
    {
        if (names.size() == 1)
            return string_expr(names[0]);
        std::vector<std::string> parts;
        for (auto const& n : names)
            parts.push_back(string_expr(n));
        return "[" + join(parts, ", ") + "]";
    }

    std::string names_args(name_list const& names)
    {
        std::vector<std::string> parts;
        for (auto const& n : names)
            parts.push_back(string_expr(n));
        return join(parts, ", ");
    }

    // ---- steps ---------------------------------------------------------------------------

    static std::string pad(int indent) { return std::string(static_cast<std::size_t>(indent) * 2, ' '); }

    void emit_steps(std::ostream& o, std::vector<step> const& steps, int indent)
    {
        for (std::size_t i = 0; i < steps.size(); ++i) {
            auto const& st = steps[i];
            auto const p = pad(indent);
            if (st.synchronous()) {
                auto end = i + 1;
                while (end < steps.size() && steps[end].synchronous())
                    ++end;
                helper("beginBlock");
                helper("endBlock");
                o << p << "// " << st.pointer << (end - i > 1 ? " to " + steps[end - 1].pointer : "")
                  << ": one synchronous block (no await: no callback or event can run in between)\n"
                  << p << "beginBlock();\n";
                for (auto k = i; k < end; ++k) {
                    if (auto const* call = std::get_if<call_step>(&steps[k].action))
                        emit_call(o, steps[k], *call, k, indent);
                    else
                        emit_get(o, steps[k], std::get<get_step>(steps[k].action), indent);
                }
                o << p << "endBlock();\n";
                i = end - 1;
            } else if (auto const* w = std::get_if<wait_step>(&st.action)) {
                helper("until");
                std::vector<std::string> opts;
                if (w->match)
                    opts.push_back("match: " + js_value(w->match->raw));
                if (w->count != 1)
                    opts.push_back("count: " + std::to_string(w->count));
                opts.push_back("timeoutMs: " + std::to_string(w->timeout_ms.value_or(ctx_.settings.wait_timeout_ms)));
                if (!w->bind.empty()) {
                    std::vector<std::string> b;
                    for (auto const& [var, path] : w->bind)
                        b.push_back(key_text(var) + ": " + js_string(path));
                    opts.push_back("bind: { " + join(b, ", ") + " }");
                }
                if (!st.clauses.empty())
                    opts.push_back("clauses:" + clauses_arg(st.clauses).substr(1));
                o << p << "await until(" << js_string(st.pointer + "/wait") << ", " << names_expr(w->names) << ", { "
                  << join(opts, ", ") << " });\n";
            } else if (auto const* sl = std::get_if<sleep_step>(&st.action)) {
                helper("sleep");
                o << p << "await sleep(" << sl->ms << "); // " << st.pointer << ": let time pass\n";
            } else if (auto const* a = std::get_if<advance_clock_step>(&st.action)) {
                helper("sleep");
                o << p << "await sleep(" << js_value(a->ms) << "); // " << st.pointer
                  << ": advance_clock_ms: no virtual clock here, so real time passes\n";
            } else if (auto const* l = std::get_if<listen_step>(&st.action)) {
                helper("listen");
                uses_.insert("control");
                uses_.insert("tcp");
                std::vector<std::string> opts = {"behaviour: " + js_string(l->behaviour_name)};
                if (l->bytes)
                    opts.push_back("bytes: " + js_value(*l->bytes));
                if (l->port)
                    opts.push_back("port: " + js_value(*l->port));
                if (!l->family.empty())
                    opts.push_back("family: " + js_string(l->family));
                listen_behaviours_.push_back(l->behaviour_name + (l->bytes ? " (bytes " + dump(*l->bytes) + ")" : "") +
                                             (l->port ? " on port " + dump(*l->port) : "") +
                                             (l->family.empty() ? "" : " (" + l->family + ")"));
                o << p << "await listen(" << js_string(st.pointer + "/listen") << ", " << js_string(l->as) << ", { "
                  << join(opts, ", ") << " }); // a TCP listener of sockconf serve: listeners"
                  << member_text(l->as) << ".port\n";
            } else if (auto const* ws = std::get_if<wire_step>(&st.action)) {
                helper("wireStep");
                uses_.insert("wire");
                o << p << "await wireStep(" << js_string(st.pointer + "/wire") << ", " << wire_spec_expr(ws->spec)
                  << clauses_arg(st.clauses) << "); // what the server saw\n";
            } else if (auto const* rp = std::get_if<repeat_step>(&st.action)) {
                o << p << "for (let i = 0; i < " << js_value(rp->count) << "; i++) { // " << st.pointer << ": repeat\n";
                ++loop_depth_;
                emit_steps(o, rp->steps, indent + 1);
                --loop_depth_;
                o << p << "}\n";
            }
        }
    }

    void emit_call(std::ostream& o, step const& st, call_step const& call, std::size_t index, int indent)
    {
        auto const p = pad(indent);
        auto const dot = call.target.find('.');
        auto const owner = call.target.substr(0, dot);
        auto const member = call.target.substr(dot + 1);
        auto const entry = entry_of(call.target);
        auto const api = api_of(call.target);
        auto const callee = owner == "wx" ? "wx" + member_text(member)
                                          : object_expr(owner) + (is_may_throw(owner) ? "?" : "") + member_text(member);
        std::string args;
        if (!call.listener.empty()) {
            helper("listener");
            if (entry && !entry->adds_listener.empty()) {
                events_[api] = entry->adds_listener;
                args = "listener(" + string_expr(call.listener) + ", " + (owner == "wx" ? "wx" : object_expr(owner)) +
                       ", " + js_string(api) + ")";
            } else {
                args = "listener(" + string_expr(call.listener) + ")";
            }
        } else {
            auto const base = call.as.empty() ? "step" + std::to_string(index) : call.as;
            std::string cb;
            if (entry && entry->callbacks && call.callbacks) {
                helper("callbacks");
                cb = "...callbacks(" + string_expr(base) + ", " + js_string(api) + ")";
            }
            in_args_ = true;
            if (!call.args) {
                args = cb.empty() ? "" : "{ " + cb + " }";
            } else if (call.args->is_object()) {
                args = js_value(*call.args, cb);
            } else {
                std::vector<std::string> parts;
                for (std::size_t k = 0; k < call.args->size(); ++k)
                    parts.push_back(js_value((*call.args)[k], k == 0 && (*call.args)[k].is_object() ? cb : ""));
                if (parts.empty() && !cb.empty())
                    parts.push_back("{ " + cb + " }");
                args = join(parts, ", ");
            }
            in_args_ = false;
        }
        auto const call_text = callee + "(" + args + ")";
        calls_connect_socket_ = calls_connect_socket_ || call.target == "wx.connectSocket";
        auto const at = js_string(st.pointer);
        auto const what = js_string(call.target);
        auto const promise_rule = call.promise_for(ctx_.prof.raw); // fixed by this repro's profile
        if (!promise_rule)
            throw spec_error("E-REPRO-VARIABLE", c_.file, c_.pointer,
                             "\"promise\": " + call.promise_variable + " is not true or false in profile " + ctx_.prof.id);
        auto const promise = *promise_rule;
        auto const cl = clauses_arg(st.clauses);
        bool const binds = !call.as.empty() && ((entry && !entry->returns.empty()) || targets_.count(call.as) ||
                                                std::any_of(targets_.begin(), targets_.end(), [&](auto const& t) {
                                                    return call.as.find("${") != std::string::npos &&
                                                           std::regex_match(t, as_pattern(call.as));
                                                }));
        auto const comment = "  // " + st.pointer + "\n";
        std::string value; // the JS name of the returned value, when it is checked
        if (call.throws == call_step::throw_rule::any || call.throws == call_step::throw_rule::matching) {
            helper("throws");
            o << p << "throws(" << at << ", " << what << ", () => " << call_text << ", "
              << (call.throw_message ? js_value(call.throw_message->raw) : "true") << cl << ");" << comment;
            return;
        }
        if (call.throws == call_step::throw_rule::may) {
            helper("mayThrow");
            auto const base = string_expr(call.as.empty() ? "step" + std::to_string(index) : call.as);
            if (binds) {
                value = object_expr(call.as);
                o << p << value << " = mayThrow(" << base << ", () => " << call_text << ");" << comment;
            } else {
                o << p << "mayThrow(" << base << ", () => " << call_text << ");" << comment;
            }
        } else if (binds) {
            value = object_expr(call.as);
            o << p << value << " = " << call_text << ";" << comment;
        } else if (call.returns || promise != call_step::promise_rule::either) {
            value = "result" + std::regex_replace(st.pointer, std::regex("[^0-9]+"), "_");
            o << p << "const " << value << " = " << call_text << ";" << comment;
        } else {
            o << p << call_text << ";" << comment;
        }
        if (promise != call_step::promise_rule::either) {
            helper("promiseForm");
            o << p << "promiseForm(" << at << ", " << js_string(api) << ", " << value << ", "
              << (promise == call_step::promise_rule::always ? "true" : "false") << cl << ");\n";
        }
        if (binds) {
            helper("isThenable");
            helper("settled");
            helper("beginBlock");
            helper("endBlock");
            o << p << "if (isThenable(" << value << ")) { endBlock(); " << value << " = await settled(" << value << ", "
              << js_string(api) << "); beginBlock(); }";
            if (!promise_comment_done_) {
                o << " // a Promise (Taro): awaited, as sockconf's adapter shim does; the block goes on after it";
                promise_comment_done_ = true;
            }
            o << "\n";
            if (entry && !entry->returns.empty()) {
                helper("mustReturn");
                o << p;
                if (call.throws == call_step::throw_rule::may) {
                    helper("threw");
                    o << "if (!threw(" << string_expr(call.as) << ")) ";
                }
                o << "mustReturn(" << at << ", " << what << ", " << value << ", " << js_string(entry->returns) << cl
                  << ");\n";
            }
        }
        if (call.returns) {
            helper("returned");
            o << p << "returned(" << at << ", " << js_string(api) << ", " << value << ", " << js_value(call.returns->raw)
              << cl << ");\n";
        }
    }

    void emit_get(std::ostream& o, step const& st, get_step const& get, int indent)
    {
        helper("got");
        auto const dot = get.target.find('.');
        auto const owner = get.target.substr(0, dot);
        auto const read = object_expr(owner) + (is_may_throw(owner) ? "?" : "") + member_text(get.target.substr(dot + 1));
        o << pad(indent) << "got(" << js_string(st.pointer) << ", " << js_string(get.target) << ", () => " << read;
        if (get.expect)
            o << ", " << js_value(get.expect->raw) << clauses_arg(st.clauses);
        o << ");  // " << st.pointer << "\n";
    }

    std::string wire_spec_expr(wire_spec const& w)
    {
        std::vector<std::string> parts;
        if (w.tag)
            parts.push_back("tag: " + js_value(*w.tag));
        if (w.count)
            parts.push_back("count: " + js_value(*w.count));
        if (w.index)
            parts.push_back("index: " + std::to_string(w.index));
        if (w.match)
            parts.push_back("match: " + js_value(w.match->raw));
        if (w.timeout_ms)
            parts.push_back("timeoutMs: " + std::to_string(*w.timeout_ms));
        return parts.empty() ? "{}" : "{ " + join(parts, ", ") + " }";
    }

    // ---- expectations and outcomes ---------------------------------------------------

    std::string judge_expr(expect_entry const& e)
    {
        if (auto const* ord = std::get_if<order_expect>(&e.what))
            return helper("order"), "order(" + names_args(ord->names) + ")";
        if (auto const* cnt = std::get_if<count_expect>(&e.what)) {
            if (cnt->kind == count_expect::form::once)
                return helper("once"), "once(" + names_args(cnt->names) + ")";
            if (cnt->kind == count_expect::form::never)
                return helper("never"), "never(" + names_args(cnt->names) + ")";
            std::vector<std::string> b;
            if (cnt->equals) b.push_back("equals: " + std::to_string(*cnt->equals));
            if (cnt->min) b.push_back("min: " + std::to_string(*cnt->min));
            if (cnt->max) b.push_back("max: " + std::to_string(*cnt->max));
            helper("count");
            return "count(" + names_expr(cnt->names) + ", { " + join(b, ", ") + " })";
        }
        if (auto const* ev = std::get_if<event_expect>(&e.what))
            return helper("event"), "event(" + names_expr(ev->names) + ", " + std::to_string(ev->nth) + ", " +
                                        js_value(ev->match.raw) + ")";
        uses_.insert("wire");
        helper("wire");
        return "wire(" + wire_spec_expr(std::get<wire_expect>(e.what).spec) + ")";
    }

    void emit_checks(std::ostream& o)
    {
        auto const p = pad(3);
        for (auto const& e : c_.expect) {
            helper("expect");
            o << p << "await expect(" << js_string(e.pointer) << ", " << judge_expr(e) << clauses_arg(e.clauses) << ");\n";
        }
        helper("invariants");
        o << p << "invariants(); // the global invariants sockconf checks on every case (specs/invariants.json)\n";
        if (c_.outcomes.empty())
            return;
        helper("outcomes");
        o << p << "await outcomes([\n";
        for (auto const& oc : c_.outcomes) {
            o << p << "  { at: " << js_string(oc.pointer) << ", name: " << js_string(oc.name)
              << ", grade: " << js_string(std::string(reports::to_string(oc.grade)));
            if (!oc.clauses.empty())
                o << ", clauses" << clauses_arg(oc.clauses).replace(0, 1, ":");
            o << ", expect: [\n";
            for (auto const& e : oc.expect)
                o << p << "    [" << js_string(e.pointer) << ", " << judge_expr(e) << "],\n";
            o << p << "  ] },\n";
        }
        o << p << "]);\n";
    }

    // ---- the top of the file ----------------------------------------------------------

    /// The server behaviours the case's URLs ask for (echo-servers/README.md).
    std::vector<std::string> behaviours() const
    {
        static std::map<std::string, std::string> const meaning = {
            {"/echo", "echo every message"},
            {"/", "echo every message"},
            {"/close", "echo, then after `after` messages close with `code` and `reason`"},
            {"/reject", "answer the handshake with HTTP `status` (default 403)"},
            {"/handshake", "first send the handshake request as one JSON text message, then echo"},
            {"/delay", "wait `ms` before answering the handshake, then echo"},
            {"/hang", "never answer the handshake"},
            {"/push", "send `count` messages of `size` bytes (`binary`), then echo"},
            {"/drop", "echo, then after `after` messages drop the TCP connection without a close frame"},
            {"/fragment", "echo each message in frames of at most `size` bytes"},
        };
        std::vector<std::string> out;
        std::set<std::string> seen;
        static std::regex const url_re(R"(\$\{wss?\}(/[^?"\s]*)(\?[^"\s]*)?)");
        auto const text = c_steps_text_;
        for (std::sregex_iterator it(text.begin(), text.end(), url_re), end; it != end; ++it) {
            auto const path = (*it)[1].str();
            auto const line = (*it)[0].str();
            if (!seen.insert(line).second)
                continue;
            auto const m = meaning.find(path);
            out.push_back(line + (m == meaning.end() ? "  (not a known behaviour: answered 404)" : "  " + m->second));
        }
        return out;
    }

    void emit_header(std::ostream& o, std::vector<std::string> const& about)
    {
        // The URLs as written in the case (before they became template literals).
        c_steps_text_.clear();
        collect_strings(c_.steps);

        auto const line = [&](std::string const& s) { o << "//" << (s.empty() ? "" : " " + s) << "\n"; };
        line("sockconf repro: " + c_.id);
        line(c_.title);
        line("");
        for (auto const& a : about)
            line(a);
        if (!about.empty())
            line("");
        line("The case: " + c_.file + (c_.pointer.empty() ? "" : "#" + c_.pointer) + " (suites/README.md: the format)");
        line("Clauses:");
        for (auto const& id : c_.clauses) {
            auto const* cl = ctx_.clauses.find(id);
            line("  " + id + " (" + (cl ? to_string(cl->level) : "?") + ")" + (cl ? ": " + cl->statement : ""));
        }
        line("Profile: " + ctx_.prof.id + (ctx_.prof.title.empty() ? "" : " (" + ctx_.prof.title + ")") +
             "; its values are filled in below (timeouts, limits, ${profile.*}).");
        if (c_.when)
            if (auto why = check_pattern(*c_.when, ctx_.prof.raw))
                line("NOT FOR THIS PROFILE: sockconf run reports it SKIP under " + ctx_.prof.id + " (" + why->text() + ").");
        if (c_.slow)
            line("A slow case: its waits are long (sockconf run runs it only with --slow).");
        line("Generated by sockconf " + ctx_.tool_version + ": sockconf repro " + c_.id + " --profile " + ctx_.prof.id);
        line("");
        line("How to run it");
        line("  1. Start the echo servers:  sockconf serve --control --json");
        line("     It prints one line: {\"ws\":\"ws://127.0.0.1:P\",\"tcp\":{\"host\":\"127.0.0.1\",\"port\":P},");
        line("     \"wss\":\"wss://127.0.0.1:P\",\"ca_pem\":\"...\",\"control\":\"http://127.0.0.1:P\"}.");
        line("  2. Put its addresses into SERVE below, or set globalThis.SOCKCONF_SERVE to that object first.");
        if (uses_.count("wss"))
            line("     wss://: the runtime must trust the CA certificate in that line's \"ca_pem\".");
        if (uses_.count("lan"))
            line("     It also needs \"lan\": a TCP echo peer at a non-local address of your LAN (what `sockconf run");
        if (uses_.count("lan"))
            line("     --lan-peer` takes), e.g. the \"tcp\" of `sockconf serve --host <its LAN IP>` on another machine.");
        if (uses_.count("control"))
            line("     This case needs \"control\" (a TCP listener or a closed port): without it, it stops and says so.");
        else if (uses_.count("wire"))
            line("     Without \"control\" its checks of what the server saw print NOT CHECKED (the rest still runs).");
        line("  3. Run this file where `wx` is a global (on Taro: globalThis.wx = Taro): paste it into the devtools");
        line("     console, or evaluate it in your runtime. It prints a line per check (PASS, or FAIL with what was");
        line("     expected and what was observed) and ends with \"VERDICT " + c_.id + ": ...\", graded as sockconf run");
        line("     grades the case. Its value is a Promise of {verdict, outcome, checks, calls}.");
        auto const b = behaviours();
        if (!b.empty() || !listen_behaviours_.empty()) {
            line("");
            line("The server behaviours it uses (echo-servers/README.md):");
            for (auto const& x : b)
                line("  " + x);
            for (auto const& x : listen_behaviours_)
                line("  TCP listener: " + x);
        }
        line("");
        line("Reading the code: callbacks(NAME, API) are the success/fail/complete functions, recorded as NAME.success,");
        line("NAME.fail, NAME.complete; listener(NAME, ...) is the listener recorded as NAME (the same name is the same");
        line("function). A callback or listener called between beginBlock() and endBlock() ran inside a call. The helpers");
        line("are at the bottom of the file. A Promise returned by a call whose value the case does not keep is not");
        line("awaited here (sockconf run's adapter awaits it before the block goes on).");
    }

    void collect_strings(std::vector<step> const& steps)
    {
        for (auto const& st : steps) {
            if (auto const* call = std::get_if<call_step>(&st.action); call && call->args)
                collect_json(*call->args);
            else if (auto const* rp = std::get_if<repeat_step>(&st.action))
                collect_strings(rp->steps);
        }
    }

    void collect_json(json const& v)
    {
        if (v.is_string())
            c_steps_text_ += v.get<std::string>() + "\n";
        else if (v.is_structured())
            for (auto const& x : v)
                collect_json(x);
    }

    void emit_serve(std::ostream& o)
    {
        o << "  // ---- Where sockconf serve is: edit, or set globalThis.SOCKCONF_SERVE before running ----\n"
          << "  const SERVE = globalThis.SOCKCONF_SERVE ?? {\n"
          << "    ws: \"ws://127.0.0.1:PORT\", // \"ws\" of `sockconf serve --control --json`\n"
          << "    wss: \"wss://127.0.0.1:PORT\", // \"wss\" (the runtime must trust its \"ca_pem\")\n"
          << "    tcp: { host: \"127.0.0.1\", port: \"PORT\" }, // \"tcp\"\n"
          << "    control: \"http://127.0.0.1:PORT\", // \"control\": TCP listeners, the wire log\n";
        if (uses_.count("lan"))
            o << "    lan: { host: \"LAN_HOST\", port: \"PORT\" }, // a TCP echo peer at a non-local LAN address (sockconf run --lan-peer)\n";
        o << "  };\n\n";
    }

    void emit_facts(std::ostream& o)
    {
        // Every clause a check may name: the case's, its checks' own, the invariants'.
        std::set<std::string> ids(c_.clauses.begin(), c_.clauses.end());
        collect_clause_ids(c_.steps, ids);
        for (auto const& e : c_.expect)
            ids.insert(e.clauses.begin(), e.clauses.end());
        for (auto const& oc : c_.outcomes) {
            ids.insert(oc.clauses.begin(), oc.clauses.end());
            for (auto const& e : oc.expect)
                ids.insert(e.clauses.begin(), e.clauses.end());
        }
        json levels = json::object();
        json invariants = json::array();
        for (auto const& rule : ctx_.invariants.all()) {
            json cl = json::object();
            for (auto const& [api, id] : rule.clauses) {
                cl[api] = id;
                ids.insert(id);
            }
            invariants.push_back({{"id", rule.id}, {"rule", rule.rule}, {"clauses", cl}});
        }
        for (auto const& id : ids)
            if (auto const* cl = ctx_.clauses.find(id))
                levels[id] = to_string(cl->level);
        json lifecycle = json::object();
        for (auto const* cls : {"SocketTask", "TCPSocket"})
            if (auto const* k = ctx_.api.find_class(cls); k && !k->open_event.empty())
                lifecycle[cls] = {{"open", k->open_event}, {"close", k->close_event}};
        json uses = json::array();
        for (auto const* u : {"ws", "wss", "tcp", "control", "wire", "lan"})
            if (uses_.count(u))
                uses.push_back(u);
        std::string not_for;
        if (c_.when)
            if (auto why = check_pattern(*c_.when, ctx_.prof.raw))
                not_for = "not for profile " + ctx_.prof.id + ": " + why->text();

        auto const field = [&](std::string const& k, json const& v, std::string const& why = "") {
            o << "    " << k << ": " << dump(v) << "," << (why.empty() ? "" : " // " + why) << "\n";
        };
        o << "  // ---- What sockconf knows about the case (from specs/ and the profile), to judge it ----\n"
          << "  const FACTS = {\n";
        field("id", c_.id);
        field("title", c_.title);
        field("profile", ctx_.prof.id);
        field("clauses", c_.clauses, "the clauses the case cites: a failing check counts for these");
        field("levels", levels, "MUST -> FAIL, SHOULD/MAY -> NON-STRICT, INFO -> INFORMATIONAL");
        field("requires", c_.requires_caps);
        field("uses", uses, "what SERVE must give (wire: the wire log, when SERVE has \"control\")");
        field("notFor", not_for);
        field("waitTimeoutMs", ctx_.settings.wait_timeout_ms, "a wait's default timeout");
        field("settleMs", ctx_.settings.settle_ms, "quiet time after the steps, before the checks");
        field("caseTimeoutMs", c_.timeout_ms.value_or(ctx_.settings.case_timeout_ms), "the whole case");
        field("promiseTimeoutMs", promise_timeout_ms, "a returned Promise (as the adapter shim)");
        field("events", events_, "listener APIs -> their event");
        field("closeSocket", calls_connect_socket_, "at the end, wx.closeSocket() too (as sockconf's adapter resets)");
        field("lifecycle", lifecycle);
        o << "    invariants: [\n";
        for (auto const& inv : invariants)
            o << "      " << dump(inv) << ",\n";
        o << "    ],\n  };\n";
    }

    void collect_clause_ids(std::vector<step> const& steps, std::set<std::string>& ids) const
    {
        for (auto const& st : steps) {
            ids.insert(st.clauses.begin(), st.clauses.end());
            if (auto const* rp = std::get_if<repeat_step>(&st.action))
                collect_clause_ids(rp->steps, ids);
        }
    }

    test_case const& c_;
    repro_context const& ctx_;
    std::map<std::string, std::string> classes_;  ///< "as" (as written) -> class of the object
    std::set<std::string> targets_;               ///< owners of call/get targets (as written)
    std::set<std::string> may_throw_;             ///< "as" names of may_throw calls
    std::set<std::string> static_as_;             ///< "as" names without variables
    std::map<std::string, std::string> object_vars_; ///< case name -> JS variable (or objects[...])
    std::set<std::string> helpers_ = {"TAG", "start", "stepsStopped", "settle", "finish"};
    std::set<std::string> uses_;                  ///< ws, wss, tcp, control, ws.port, wss.port
    json events_ = json::object();                ///< listener API -> event
    std::vector<std::string> listen_behaviours_;
    std::string steps_;
    std::string c_steps_text_;
    int loop_depth_ = 0;
    bool uses_objects_ = false;
    bool uses_tcp_port_ = false;
    bool uses_closed_port_ = false;
    bool promise_comment_done_ = false;
    bool calls_connect_socket_ = false;
    bool in_args_ = false; ///< writing a call's arguments (not a matcher)
};

} // namespace

test_case const& find_case(std::vector<test_case> const& cases, std::string const& id)
{
    for (auto const& c : cases)
        if (c.id == id)
            return c;
    // Ids that share the first words of the one asked for ("ws.lifecycle.x" -> "ws.lifecycle.*").
    std::vector<std::string> near;
    for (auto prefix = id; !prefix.empty() && near.empty();) {
        auto const cut = prefix.find_last_of(".-");
        prefix = cut == std::string::npos ? "" : prefix.substr(0, cut + 1);
        if (prefix.empty())
            break;
        for (auto const& c : cases)
            if (c.id.rfind(prefix, 0) == 0 && near.size() < 5)
                near.push_back(c.id);
        prefix.pop_back();
    }
    throw spec_error("E-REPRO-CASE", "", "",
                     "no case with id \"" + id + "\"" + (near.empty() ? "" : " (similar: " + join(near, ", ") + ")") +
                         "; `sockconf list` prints the ids");
}

std::string repro_script(test_case const& c, repro_context const& ctx, std::vector<std::string> const& about)
{
    return generator(c, ctx).script(about);
}

std::vector<std::string> deviation_header(reports::deviation const& d)
{
    std::vector<std::string> out;
    out.push_back("Deviation " + d.id + ": " + d.headline());
    out.push_back("  breaks: " + (d.clauses.empty() ? std::string("(no clause)") : join(d.clauses, ", ")) +
                  (d.level.empty() ? "" : " (" + d.level + ")") + (d.invariant.empty() ? "" : "; invariant " + d.invariant));
    if (!d.expected.empty())
        out.push_back("  expected: " + d.expected);
    for (auto const& x : d.observed)
        out.push_back("  observed: " + x);
    if (!d.cases.empty())
        out.push_back("  it decided: " + join(d.cases, ", "));
    if (!d.seen_in.empty())
        out.push_back("  also seen in: " + join(d.seen_in, ", "));
    if (d.host_limit)
        out.push_back("  a limit of the host: " + d.host_limit_reason);
    out.push_back("  shown by the case below" + (d.example_where.empty() ? std::string() : ", at " + d.example_where));
    return out;
}

} // namespace sockconf::harness
