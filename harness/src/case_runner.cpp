#include <sockconf/echo/servers.hpp>
#include <sockconf/harness/case_runner.hpp>
#include <sockconf/harness/invariants.hpp>
#include <sockconf/harness/matcher.hpp>
#include <sockconf/harness/trace.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <thread>

namespace sockconf::harness {

namespace {

using clock = std::chrono::steady_clock;
using reports::status;

/// A loopback port where nothing listens: bound, never listened on, then closed.
std::uint16_t unused_port()
{
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    std::uint16_t port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

std::string unique_tag(std::string const& id)
{
    static std::atomic<unsigned> counter{0};
    return id + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

/// Thrown inside a case run to stop it with a result.
struct stop {
    status result;
    reports::failure where;
    std::string message;
};

class case_run {
public:
    case_run(test_case const& c, run_env const& env) : c_(c), env_(env) {}

    reports::case_result run()
    {
        auto const t0 = clock::now();
        reports::case_result r;
        r.id = c_.id;
        r.title = c_.title;
        r.suite = c_.suite;
        r.file = c_.file;
        r.clauses = c_.clauses;
        deadline_ = t0 + std::chrono::milliseconds(c_.timeout_ms.value_or(env_.prof.timings.case_timeout_ms));
        try {
            if (auto why = check_pattern(c_.when, env_.prof.raw)) {
                r.result = status::skip;
                r.message = "not for profile " + env_.prof.id + ": " + *why;
            } else if (c_.slow && !env_.run_slow && !(c_.slow_unless.size() && has_capability(c_.slow_unless))) {
                r.result = status::skip;
                r.message = "slow case (long real waits): run with --slow";
            } else if (auto missing = missing_capability()) {
                r.result = status::unimplemented;
                r.message = "the IUT lacks the capability \"" + *missing + "\"";
            } else {
                setup();
                run_steps(c_.steps, "/steps");
                settle();
                check_all(r);
            }
        } catch (stop const& s) {
            r.result = s.result;
            r.message = s.message;
            if (!s.where.where.empty())
                r.failed = s.where;
        } catch (std::exception const& e) {
            r.result = status::error;
            r.message = std::string("harness error: ") + e.what();
        }
        teardown();
        r.trace = json(trace_.snapshot());
        r.wire = wire_records();
        if (r.result == status::fail)
            r.result = downgrade_by_level();
        r.duration_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
        return r;
    }

private:
    // ---- setup and teardown -------------------------------------------------

    bool has_capability(std::string const& cap) const
    {
        auto const caps = env_.iut_hello.value("capabilities", json::array());
        return std::find(caps.begin(), caps.end(), cap) != caps.end();
    }

    std::optional<std::string> missing_capability() const
    {
        auto const caps = env_.iut_hello.value("capabilities", json::array());
        for (auto const& need : c_.requires_caps)
            if (std::find(caps.begin(), caps.end(), need) == caps.end())
                return need;
        return std::nullopt;
    }

    void setup()
    {
        tag_ = unique_tag(c_.id);
        vars_ = {{"ws", env_.servers.ws_url()}, {"wss", env_.servers.wss_url()}, {"tag", tag_},
                 {"ws.port", env_.servers.ws_port()}, {"wss.port", env_.servers.wss_port()},
                 {"tcp.host", env_.servers.host()}};
        tcp_port_ = env_.servers.open_tcp_listener(tag_);
        vars_["tcp.port"] = tcp_port_;
        vars_["tcp.closed_port"] = unused_port();
        driver_ = env_.factory.open([this](json const& ev) { on_event(ev); }, c_.fresh);
    }

    void teardown()
    {
        driver_.reset(); // closes what the IUT still holds
        if (tcp_port_)
            env_.servers.close_tcp_listener(tcp_port_);
        for (auto port : tcp_listeners_)
            env_.servers.close_tcp_listener(port);
    }

    void on_event(json const& ev)
    {
        // From a process or remote driver: the IUT's diagnostics, and protocol violations.
        if (ev.is_object() && ev.value("op", "") == "log") {
            trace_.append({{"type", "note"}, {"text", "IUT log: " + ev.value("text", std::string())}});
            return;
        }
        if (ev.is_object() && ev.value("op", "") == "adapter-error") {
            trace_.append({{"type", "note"}, {"text", ev.value("text", std::string())}});
            bad_event_ = true;
            return;
        }
        // Anything but a well-formed invoke is the IUT's fault: note it, and fail the case.
        if (!ev.is_object() || ev.value("op", "") != "invoke" || !ev.contains("fn") ||
            !ev["fn"].is_string() || !ev.contains("args") || !ev["args"].is_array()) {
            trace_.append({{"type", "note"}, {"text", "malformed event from the IUT: " + brief(ev, 300)}});
            bad_event_ = true;
            return;
        }
        json arg = ev["args"].empty() ? json() : ev["args"][0];
        trace_.append({{"type", "invoke"}, {"fn", ev["fn"]}, {"arg", arg}, {"sync", ev.value("sync", false)}});
    }

    json wire_records() const
    {
        json out = json::array();
        if (tag_.empty())
            return out;
        for (auto const& rec : env_.servers.log().all())
            if (rec.tag.rfind(tag_, 0) == 0) // ${tag} and ${tag}-suffix
                out.push_back(rec.to_json());
        return out;
    }

    status downgrade_by_level() const
    {
        // A case that only tests SHOULD/MAY clauses misses a recommendation, not a rule.
        bool any_must = false, any_should = false;
        for (auto const& id : c_.clauses) {
            auto const* cl = env_.clauses.find(id);
            auto const level = cl ? cl->level : clause_level::must;
            any_must = any_must || level == clause_level::must;
            any_should = any_should || level == clause_level::should || level == clause_level::may;
        }
        if (any_must)
            return status::fail;
        return any_should ? status::non_strict : status::informational;
    }

    // ---- variables ----------------------------------------------------------

    json variable(std::string const& name) const
    {
        if (name.rfind("profile.", 0) == 0) {
            if (auto const* v = lookup(env_.prof.raw, name.substr(8)))
                return *v;
            throw stop{status::error, {}, "the profile has no value ${" + name + "}"};
        }
        if (name == "i") {
            if (loop_index_.empty())
                throw stop{status::error, {}, "${i} used outside repeat"};
            return loop_index_.back();
        }
        auto it = vars_.find(name);
        if (it == vars_.end())
            throw stop{status::error, {}, "unknown variable ${" + name + "}"};
        return *it;
    }

    json substitute(json const& v) const
    {
        static std::regex const var_re(R"(\$\{([^}]*)\})");
        if (v.is_string()) {
            auto const& s = v.get_ref<std::string const&>();
            std::smatch m;
            if (std::regex_match(s, m, var_re))
                return variable(m[1].str()); // a whole-string variable keeps its type
            std::string out;
            auto begin = s.cbegin();
            for (std::sregex_iterator it(s.begin(), s.end(), var_re), end; it != end; ++it) {
                out.append(begin, s.cbegin() + it->position());
                auto x = variable((*it)[1].str());
                out += x.is_string() ? x.get<std::string>() : x.dump();
                begin = s.cbegin() + it->position() + it->length();
            }
            out.append(begin, s.cend());
            return out;
        }
        if (v.is_object()) {
            // Values written in the case format become their wire form.
            if (v.size() == 1 && v.contains("$arraybuffer_text"))
                return json{{"$arraybuffer", base64_encode(substitute(v["$arraybuffer_text"]).get<std::string>())}};
            if (v.size() == 2 && v.contains("$repeat") && v.contains("times")) {
                std::string out;
                auto const unit = substitute(v["$repeat"]).get<std::string>();
                auto const times = substitute(v["times"]).get<std::int64_t>();
                for (std::int64_t i = 0; i < times; ++i)
                    out += unit;
                return out;
            }
            if (v.size() == 1 && v.contains("$concat")) {
                std::string out;
                for (auto const& part : v["$concat"]) {
                    auto x = substitute(part);
                    out += x.is_string() ? x.get<std::string>() : x.dump();
                }
                return out;
            }
            json out = json::object();
            for (auto const& [k, x] : v.items())
                out[k] = substitute(x);
            return out;
        }
        if (v.is_array()) {
            json out = json::array();
            for (auto const& x : v)
                out.push_back(substitute(x));
            return out;
        }
        return v;
    }

    // ---- steps --------------------------------------------------------------

    std::chrono::milliseconds remaining() const
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - clock::now());
    }

    void check_time(std::string const& ptr)
    {
        if (env_.interrupted && env_.interrupted->load())
            throw stop{status::skip, {}, "interrupted"};
        if (remaining().count() <= 0)
            throw stop{status::timeout, {c_.where(ptr), "the case to finish within its timeout", "it ran out of time"},
                       "the case timed out (" + std::to_string(c_.timeout_ms.value_or(env_.prof.timings.case_timeout_ms)) +
                           " ms) before " + ptr};
        if (bad_event_)
            throw stop{status::error, {c_.where(ptr), "well-formed events", "a malformed event (see the trace)"},
                       "the IUT sent a malformed event"};
    }

    [[noreturn]] void fail(std::string const& ptr, std::string expected, std::string actual)
    {
        throw stop{status::fail, {c_.where(ptr), expected, actual},
                   ptr + ": expected " + expected + "; got " + actual};
    }

    void run_steps(json const& steps, std::string const& ptr)
    {
        for (std::size_t i = 0; i < steps.size(); ++i) {
            auto const p = ptr + "/" + std::to_string(i);
            check_time(p);
            auto const& s = steps[i];
            if (s.contains("call") || s.contains("get")) {
                auto end = i + 1;
                while (end < steps.size() && (steps[end].contains("call") || steps[end].contains("get")))
                    ++end;
                run_block(steps, i, end, ptr);
                i = end - 1;
            } else if (s.contains("wait")) wait_step(s["wait"], p);
            else if (s.contains("sleep_ms")) sleep_for(std::chrono::milliseconds(s["sleep_ms"].get<std::int64_t>()));
            else if (s.contains("listen")) listen(s["listen"], p + "/listen");
            else if (s.contains("advance_clock_ms"))
                advance_clock(std::chrono::milliseconds(substitute(s["advance_clock_ms"]).get<std::int64_t>()), p);
            else if (s.contains("wire")) wire_check(s["wire"], p + "/wire");
            else if (s.contains("repeat")) {
                auto const n = substitute(s["repeat"]).get<std::int64_t>();
                for (std::int64_t k = 0; k < n; ++k) {
                    loop_index_.push_back(k);
                    run_steps(s["steps"], p + "/steps");
                    loop_index_.pop_back();
                }
            }
        }
    }

    /// A TCP listener of the echo servers for this case: ${listen.NAME.port},
    /// ${listen.NAME.tag}. A port that cannot be listened on makes the case SKIP
    /// (e.g. below 1024 without the privilege): what it checks cannot be set up here.
    void listen(json const& l, std::string const& ptr)
    {
        auto const name = l["as"].get<std::string>();
        echo::tcp_behaviour b;
        b.kind = *echo::tcp_behaviour_from_name(l.value("behaviour", std::string("echo")));
        b.bytes = l.contains("bytes") ? substitute(l["bytes"]).get<std::uint64_t>() : 0;
        auto const want = l.contains("port") ? substitute(l["port"]).get<std::uint16_t>() : std::uint16_t{0};
        auto const tag = tag_ + "-" + name;
        std::error_code ec;
        auto const port = env_.servers.open_tcp_listener(tag, b, want, ec);
        if (!port)
            throw stop{status::skip, {c_.where(ptr), "a listener on port " + std::to_string(want), ec.message()},
                       ptr + ": cannot listen on " + env_.servers.host() + ":" + std::to_string(want) + " (" + ec.message() +
                           (ec == std::errc::permission_denied ? "; ports below 1024 need privilege" : "") +
                           "), so this check cannot be made here"};
        tcp_listeners_.push_back(port);
        vars_["listen." + name + ".port"] = port;
        vars_["listen." + name + ".tag"] = tag;
        trace_.append(json{{"type", "note"}, {"text", "listening on port " + std::to_string(port) + " (" +
                                                          l.value("behaviour", std::string("echo")) + ", tag " + tag + ")"}});
    }

    /// Let `ms` pass for the IUT's time-window rules: on its virtual clock when
    /// it has one, else for real (such cases are marked slow).
    void advance_clock(std::chrono::milliseconds ms, std::string const& ptr)
    {
        if (!has_capability("virtual-clock")) {
            trace_.append(json{{"type", "note"}, {"text", "waiting " + std::to_string(ms.count()) + " ms of real time (no virtual clock)"}});
            return sleep_for(ms);
        }
        auto const r = driver_->execute(json{{"op", "clock"}, {"advance_ms", ms.count()}}, command_timeout());
        trace_.append(json{{"type", "note"}, {"text", "virtual clock advanced " + std::to_string(ms.count()) + " ms"}});
        if (r.kind != reply_kind::value)
            throw stop{status::error, {c_.where(ptr), "the clock command to succeed", r.message.empty() ? brief(r.value) : r.message},
                       ptr + ": the IUT did not advance its virtual clock: " + (r.message.empty() ? brief(r.value) : r.message)};
    }

    void sleep_for(std::chrono::milliseconds ms)
    {
        auto const until = std::min(clock::now() + ms, deadline_);
        while (clock::now() < until) {
            if (env_.interrupted && env_.interrupted->load())
                return;
            std::this_thread::sleep_for(std::min<clock::duration>(until - clock::now(), std::chrono::milliseconds(20)));
        }
    }

    std::chrono::milliseconds command_timeout() const
    {
        return std::max(std::chrono::milliseconds(1),
                        std::min(remaining(), std::chrono::milliseconds(env_.prof.timings.wait_timeout_ms)));
    }

    /// One call or get step of a synchronous block, ready to send.
    struct pending {
        json step; ///< substituted
        std::string ptr;
        std::string target;
        std::string owner; ///< "wx" or a bound name
        std::string cls;   ///< class of the owner (methods and properties)
        std::optional<api_entry> entry;
        std::string base;  ///< name of the call's result and callbacks
        json command;
    };

    pending prepare(json const& raw, std::string const& ptr, std::size_t index)
    {
        pending p;
        p.step = substitute(raw);
        p.ptr = ptr;
        bool const is_get = p.step.contains("get");
        p.target = p.step[is_get ? "get" : "call"].get<std::string>();
        auto const dot = p.target.find('.');
        p.owner = p.target.substr(0, dot);
        auto const name = p.target.substr(dot + 1);
        if (p.owner != "wx") {
            auto it = classes_.find(p.owner);
            if (it == classes_.end())
                fail(ptr, "\"" + p.owner + "\" to be an object the IUT returned", "nothing of that name was returned");
            p.cls = it->second;
        }
        // Objects are named, not numbered: a block can use what it creates ({"$ref"}).
        json const self = {{"$ref", p.owner}};
        if (is_get) {
            p.command = {{"op", "get"}, {"this", self}, {"prop", name}};
            if (p.step.contains("as"))
                p.base = p.step["as"].get<std::string>();
            return p;
        }
        p.entry = p.owner == "wx" ? env_.api.function(p.target) : env_.api.method(p.cls, name);
        p.command = {{"op", "call"}, {"fn", p.owner == "wx" ? p.target : name}};
        if (p.owner != "wx")
            p.command["this"] = self;
        json args = json::array();
        if (p.step.contains("listener"))
            args.push_back({{"$fn", p.step["listener"]}});
        else if (p.step.contains("args"))
            args = p.step["args"].is_array() ? p.step["args"] : json::array({p.step["args"]});
        p.base = p.step.value("as", "step" + std::to_string(index));
        if (p.entry && p.entry->callbacks && p.step.value("callbacks", true)) {
            if (args.empty())
                args.push_back(json::object());
            if (args[0].is_object()) {
                for (auto const* cb : {"success", "fail", "complete"})
                    args[0][cb] = {{"$fn", p.base + "." + cb}};
                calls_.push_back({p.base, c_.where(ptr)});
            }
        }
        p.command["args"] = args;
        if (p.step.contains("as")) {
            p.command["as"] = p.base;
            classes_[p.base] = p.entry ? p.entry->returns : "";
        }
        return p;
    }

    /// Consecutive call/get steps [begin, end) of `steps`, run as one synchronous
    /// block, as the same lines of JS would run: no event between them.
    void run_block(json const& steps, std::size_t begin, std::size_t end, std::string const& ptr)
    {
        std::vector<pending> block;
        json commands = json::array();
        for (auto i = begin; i < end; ++i) {
            block.push_back(prepare(steps[i], ptr + "/" + std::to_string(i), i));
            commands.push_back(block.back().command);
        }
        auto const& first = block.front().ptr;
        auto const at = trace_.size();
        json const command = block.size() == 1 ? commands[0] : json{{"op", "batch"}, {"commands", commands}};
        auto const r = driver_->execute(command, command_timeout());
        std::vector<reply> replies;
        if (r.kind == reply_kind::value && block.size() > 1) {
            if (!r.value.is_array() || r.value.size() != block.size())
                throw stop{status::error, {c_.where(first), "one reply per command of the block", brief(r.value, 200)},
                           first + ": the IUT answered a block of " + std::to_string(block.size()) +
                               " commands with " + brief(r.value, 200)};
            for (auto const& one : r.value)
                replies.push_back(reply_from_json(one));
        } else {
            replies.assign(block.size(), r);
        }
        // The block's calls and their results, in order, before any event it caused.
        std::vector<json> entries;
        for (std::size_t k = 0; k < block.size(); ++k)
            entries.push_back(block_entry(block[k], replies[k]));
        trace_.insert(at, std::move(entries));
        for (std::size_t k = 0; k < block.size(); ++k)
            finish(block[k], replies[k]);
    }

    /// The trace entry of one call or get of a block: what was called, and what came back.
    static json block_entry(pending const& p, reply const& r)
    {
        json e = {{"type", p.step.contains("get") ? "get" : "call"}, {"step", p.ptr}, {"target", p.target}};
        if (!p.step.contains("get"))
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

    void finish(pending const& p, reply const& r)
    {
        auto const& s = p.step;
        auto const& ptr = p.ptr;
        if (r.kind == reply_kind::refused && thrown_names_.count(p.owner)) {
            // The object's creation threw (may_throw): calls on it cannot happen.
            trace_.append({{"type", "note"}, {"text", ptr + ": skipped " + p.target + ": " + p.owner + " was never created"}});
            return;
        }
        if (r.kind == reply_kind::refused || r.kind == reply_kind::broken)
            throw stop{status::error, {c_.where(ptr), "the IUT to execute the command", r.message},
                       ptr + ": the IUT could not execute " + brief(p.command, 200) + ": " + r.message};
        if (r.kind == reply_kind::timeout)
            throw stop{status::error, {c_.where(ptr), "an answer", r.message}, ptr + ": " + r.message};
        if (s.contains("listener") && p.entry && !p.entry->adds_listener.empty())
            listeners_.push_back({s["listener"].get<std::string>(), handle_id(p.owner), p.cls, p.entry->adds_listener});

        if (s.contains("get")) {
            if (r.kind == reply_kind::thrown)
                fail(ptr, "reading " + p.target + " to give a value", "it threw: " + brief(r.value));
            if (s.contains("expect")) {
                auto const v = from_wire(r.value);
                if (auto why = check_matcher(s["expect"], &v))
                    fail(ptr + "/expect", p.target + " to match", *why);
            }
            if (!p.base.empty())
                bound_[p.base] = r.value;
            return;
        }
        if (r.promise && s.value("no_promise", false))
            fail(ptr, p.target + " to return its result synchronously",
                 std::string("it returned a Promise, which ") +
                     (r.kind == reply_kind::thrown ? "rejected with " : "resolved to ") + brief(r.value, 200));
        if (r.kind == reply_kind::thrown && s.value("may_throw", false)) {
            // Allowed: recorded as a call of "<as>.threw" with the error, for outcomes.
            trace_.append({{"type", "invoke"}, {"fn", p.base + ".threw"}, {"arg", r.value}, {"sync", false}});
            thrown_names_.insert(p.base);
            return;
        }
        if (r.kind == reply_kind::thrown) {
            json const message = r.value.value("message", std::string());
            if (!s.contains("throws"))
                fail(ptr, p.target + " to return", "it threw: " + brief(r.value));
            if (!s["throws"].is_boolean())
                if (auto why = check_matcher(s["throws"], &message))
                    fail(ptr + "/throws", "a thrown error whose message matches", *why);
            return;
        }
        if (s.contains("throws"))
            fail(ptr + "/throws", p.target + " to throw", "it returned " + brief(r.value));
        if (s.contains("returns")) {
            auto const v = from_wire(r.value);
            if (auto why = check_matcher(s["returns"], &v))
                fail(ptr + "/returns", "the return value to match", *why);
        }
        if (s.contains("as") && p.entry && !p.entry->returns.empty() && !is_handle(r.value))
            fail(ptr, p.target + " to return a " + p.entry->returns, "it returned " + brief(r.value, 200));
        if (s.contains("as"))
            bound_[p.base] = r.value;
    }

    static bool is_handle(json const& v) { return v.is_object() && v.contains("$handle"); }

    /// The IUT's id of the object bound to `name` ("" when unknown).
    std::string handle_id(std::string const& name) const
    {
        auto it = bound_.find(name);
        if (it == bound_.end() || !it->second.is_object())
            return name;
        return it->second.value("$handle", name);
    }

    static std::vector<std::string> name_list(json const& v)
    {
        if (v.is_string())
            return {v.get<std::string>()};
        return v.get<std::vector<std::string>>();
    }

    static std::string quoted_names(std::vector<std::string> const& names)
    {
        std::string s;
        for (auto const& n : names)
            s += (s.empty() ? "\"" : " or \"") + n + "\"";
        return s;
    }

    /// Invokes of any of `names` (in trace order) whose argument matches `pattern`.
    static std::size_t count_matching(std::vector<json> const& entries, std::vector<std::string> const& names,
                                      json const* pattern, std::string* first_mismatch = nullptr)
    {
        std::size_t n = 0;
        for (auto const& e : entries) {
            if (e.value("type", "") != "invoke")
                continue;
            auto const fn = e.value("fn", "");
            if (std::find(names.begin(), names.end(), fn) == names.end())
                continue;
            if (!pattern) {
                ++n;
                continue;
            }
            auto const arg = from_wire(e["arg"]);
            auto why = check_pattern(*pattern, arg);
            if (!why)
                ++n;
            else if (first_mismatch && first_mismatch->empty())
                *first_mismatch = "#" + std::to_string(e["seq"].get<std::size_t>()) + " " + fn + " " + *why;
        }
        return n;
    }

    void wait_step(json const& raw, std::string const& ptr)
    {
        auto const w = substitute(raw.is_string() ? json{{"for", raw}} : raw);
        auto const names = name_list(w["for"]);
        json const* pattern = w.contains("match") ? &w["match"] : nullptr;
        auto const count = w.value("count", std::size_t{1});
        auto const timeout = std::chrono::milliseconds(w.value("timeout_ms", env_.prof.timings.wait_timeout_ms));
        auto const until = std::min(clock::now() + timeout, deadline_);
        bool const ok = trace_.wait_until(
            [&](std::vector<json> const& entries) {
                return bad_event_ || (env_.interrupted && env_.interrupted->load()) ||
                       count_matching(entries, names, pattern) >= count;
            },
            until);
        check_time(ptr);
        if (ok) {
            if (auto b = w.find("bind"); b != w.end())
                bind(*b, names, pattern, ptr + "/wait/bind");
            return;
        }
        std::string mismatch;
        auto const entries = trace_.snapshot();
        auto const seen = count_matching(entries, names, pattern, &mismatch);
        auto const all = count_matching(entries, names, nullptr);
        std::string expected = std::to_string(count) + " call(s) of " + quoted_names(names) +
                               (pattern ? " with an argument matching " + brief(*pattern, 200) : "") +
                               " within " + std::to_string(timeout.count()) + " ms";
        std::string actual = std::to_string(seen) + " matching" + (pattern ? " of " + std::to_string(all) + " call(s)" : "");
        if (!mismatch.empty())
            actual += "; first mismatch: " + mismatch;
        actual += "; called so far: " + called_so_far(entries);
        fail(ptr + "/wait", expected, actual);
    }

    /// ${bound.NAME} := a value of the argument of the first call that satisfied
    /// the wait (NAME -> dotted path), so a later step or expectation can compare
    /// it with what the server saw.
    void bind(json const& paths, std::vector<std::string> const& names, json const* pattern, std::string const& ptr)
    {
        auto const entries = trace_.snapshot();
        for (auto const& e : entries) {
            if (e.value("type", "") != "invoke" || std::find(names.begin(), names.end(), e.value("fn", "")) == names.end())
                continue;
            auto const arg = from_wire(e["arg"]);
            if (pattern && check_pattern(*pattern, arg))
                continue;
            for (auto const& [var, path] : paths.items()) {
                auto const* v = lookup(arg, path.get<std::string>());
                if (!v)
                    fail(ptr + "/" + var, "a value at \"" + path.get<std::string>() + "\" of " + e.value("fn", ""),
                         "(absent) in " + brief(e["arg"], 200));
                vars_["bound." + var] = *v;
            }
            return;
        }
    }

    static std::string called_so_far(std::vector<json> const& entries)
    {
        std::string s;
        for (auto const& e : entries)
            if (e.value("type", "") == "invoke")
                s += (s.empty() ? "" : ", ") + e.value("fn", "");
        return s.empty() ? "nothing" : s;
    }

    void wire_check(json const& raw, std::string const& ptr)
    {
        auto const w = substitute(raw);
        auto const tag = w.value("tag", tag_);
        auto const timeout = std::chrono::milliseconds(w.value("timeout_ms", env_.prof.timings.wait_timeout_ms));
        auto const until = std::min(clock::now() + timeout, deadline_);
        std::string why;
        for (;;) {
            json records = json::array();
            for (auto const& rec : env_.servers.log().by_tag(tag))
                records.push_back(rec.to_json());
            why.clear();
            if (w.contains("count") && records.size() != w["count"].get<std::size_t>())
                why = std::to_string(records.size()) + " connection(s) tagged \"" + tag + "\"";
            else if (w.contains("match")) {
                auto const index = w.value("index", std::size_t{0});
                if (index >= records.size())
                    why = "no connection #" + std::to_string(index) + " tagged \"" + tag + "\" (" +
                          std::to_string(records.size()) + " seen)";
                else if (auto m = check_pattern(w["match"], from_wire(records[index])))
                    why = "connection #" + std::to_string(index) + ": " + *m;
            }
            if (why.empty())
                return;
            if (clock::now() >= until || (env_.interrupted && env_.interrupted->load()))
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        check_time(ptr);
        std::string expected = "the server to have seen ";
        if (w.contains("count"))
            expected += std::to_string(w["count"].get<std::size_t>()) + " connection(s) tagged \"" + tag + "\"";
        if (w.contains("match"))
            expected += std::string(w.contains("count") ? ", " : "") + "connection #" +
                        std::to_string(w.value("index", 0)) + " matching " + brief(w["match"], 200);
        fail(ptr, expected + " within " + std::to_string(timeout.count()) + " ms", why);
    }

    void settle()
    {
        sleep_for(std::chrono::milliseconds(env_.prof.timings.settle_ms));
        check_time("/steps");
    }

    // ---- checks -------------------------------------------------------------

    /// nullopt when expectation `e` holds; else {expected, actual}.
    std::optional<std::pair<std::string, std::string>> expectation(json const& raw, std::string const& ptr)
    {
        auto const e = substitute(raw);
        auto const entries = trace_.snapshot();
        auto const n_of = [&](std::string const& fn) { return invocations(entries, fn).size(); };
        if (e.contains("order")) {
            auto const names = name_list(e["order"]);
            std::size_t last = 0;
            std::string last_name;
            for (auto const& n : names) {
                auto const calls = invocations(entries, n);
                if (calls.empty())
                    return std::pair{"calls in the order " + brief(e["order"]), "\"" + n + "\" was never called; called: " + called_so_far(entries)};
                auto const seq = (*calls.front())["seq"].get<std::size_t>();
                if (seq < last)
                    return std::pair{"calls in the order " + brief(e["order"]),
                                     "\"" + n + "\" (#" + std::to_string(seq) + ") came before \"" + last_name +
                                         "\" (#" + std::to_string(last) + ")"};
                last = seq;
                last_name = n;
            }
        } else if (e.contains("once") || e.contains("never")) {
            bool const once = e.contains("once");
            for (auto const& n : name_list(once ? e["once"] : e["never"])) {
                auto const k = n_of(n);
                if (k != (once ? 1u : 0u))
                    return std::pair{"\"" + n + "\" called " + (once ? "exactly once" : "never"),
                                     "it was called " + std::to_string(k) + " time(s)"};
            }
        } else if (e.contains("count")) {
            std::size_t k = 0;
            auto const names = name_list(e["count"]);
            for (auto const& n : names)
                k += n_of(n);
            auto const bad = (e.contains("equals") && k != e["equals"].get<std::size_t>()) ||
                             (e.contains("min") && k < e["min"].get<std::size_t>()) ||
                             (e.contains("max") && k > e["max"].get<std::size_t>());
            if (bad) {
                json bounds = e;
                bounds.erase("count");
                return std::pair{quoted_names(names) + " called " + brief(bounds) + " time(s)",
                                 std::to_string(k) + " call(s)"};
            }
        } else if (e.contains("event")) {
            auto const names = name_list(e["event"]);
            std::vector<json const*> calls;
            for (auto const& x : entries)
                if (x.value("type", "") == "invoke" &&
                    std::find(names.begin(), names.end(), x.value("fn", "")) != names.end())
                    calls.push_back(&x);
            auto const nth = e.value("nth", std::size_t{0});
            auto const expected = "call #" + std::to_string(nth) + " of " + quoted_names(names) +
                                  " with an argument matching " + brief(e["match"], 200);
            if (nth >= calls.size())
                return std::pair{expected, std::to_string(calls.size()) + " call(s)"};
            if (auto why = check_pattern(e["match"], from_wire((*calls[nth])["arg"])))
                return std::pair{expected, *why};
        } else if (e.contains("wire")) {
            try {
                wire_check(raw["wire"], ptr + "/wire");
            } catch (stop const& s) {
                if (s.result != status::fail)
                    throw;
                return std::pair{s.where.expected, s.where.actual};
            }
        }
        return std::nullopt;
    }

    void check_all(reports::case_result& r)
    {
        for (std::size_t i = 0; i < c_.expect.size(); ++i) {
            auto const ptr = "/expect/" + std::to_string(i);
            if (auto bad = expectation(c_.expect[i], ptr))
                fail(ptr, bad->first, bad->second);
        }
        auto const v = check_invariants(trace_.snapshot(), calls_, listeners_, env_.api);
        if (!v.empty())
            throw stop{status::fail, {c_.where("") + " (invariant " + v.front().id + ")", v.front().id, v.front().message},
                       "invariant " + v.front().id + ": " + v.front().message};
        if (c_.outcomes.empty()) {
            r.result = status::pass;
            return;
        }
        std::string misses;
        for (auto const& o : c_.outcomes) {
            std::optional<std::pair<std::string, std::string>> miss;
            std::string miss_ptr;
            for (std::size_t i = 0; i < o.expect.size() && !miss; ++i) {
                miss_ptr = o.pointer.substr(c_.pointer.size()) + "/expect/" + std::to_string(i);
                miss = expectation(o.expect[i], miss_ptr);
            }
            if (!miss) {
                r.result = o.grade;
                r.outcome = o.name;
                if (o.grade != status::pass)
                    r.message = "outcome \"" + o.name + "\"";
                return;
            }
            misses += (misses.empty() ? "" : "; ") + ("\"" + o.name + "\": " + miss_ptr + " expected " +
                                                       miss->first + ", got " + miss->second);
        }
        throw stop{status::fail, {c_.where("/outcomes"), "one of the allowed outcomes", misses},
                   "no allowed outcome held: " + misses};
    }

    test_case const& c_;
    run_env const& env_;
    trace trace_;
    std::unique_ptr<driver> driver_;
    clock::time_point deadline_;
    std::string tag_;
    json vars_;
    std::uint16_t tcp_port_ = 0;
    std::vector<std::uint16_t> tcp_listeners_; ///< from "listen" steps
    std::set<std::string> thrown_names_;        ///< "as" names whose creation threw (may_throw)
    std::vector<std::int64_t> loop_index_;
    std::map<std::string, json> bound_;         ///< name -> value the IUT returned
    std::map<std::string, std::string> classes_; ///< name -> class of the object it will hold
    std::vector<callback_call> calls_;
    std::vector<listener_registration> listeners_;
    std::atomic<bool> bad_event_{false};
};

} // namespace

reports::case_result run_case(test_case const& c, run_env const& env) { return case_run(c, env).run(); }

} // namespace sockconf::harness
