// One case, start to end: setup, steps, settle, then every check, graded.
// The mechanics live in detail/: variables (substitution), block (call and
// get steps), trace_checks (waits and trace expectations), wire_probe.
#include "detail/block.hpp"
#include "detail/case_state.hpp"
#include "detail/trace_checks.hpp"
#include "detail/wire_probe.hpp"

#include <sockconf/common/json_member.hpp>
#include <sockconf/echo/servers.hpp>
#include <sockconf/harness/case_runner.hpp>
#include <sockconf/harness/grading.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

namespace sockconf::harness {

namespace {

using namespace detail;
using reports::check_kind;
using reports::check_result;
using reports::check_status;
using reports::status;

std::string unique_tag(std::string const& id)
{
    static std::atomic<unsigned> counter{0};
    return id + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

class case_run {
public:
    case_run(test_case const& c, run_env const& env) : c_(c), env_(env), s_(c, env) {}

    reports::case_result run()
    {
        auto const t0 = clock::now();
        reports::case_result r;
        r.id = c_.id;
        r.title = c_.title;
        r.suite = c_.suite;
        r.file = c_.file;
        r.clauses = c_.clauses;
        s_.deadline = t0 + std::chrono::milliseconds(s_.case_timeout_ms());
        if (auto why = not_to_run()) {
            r.result = why->first;
            r.message = why->second;
        } else {
            judge();
            teardown();
            r.trace = json(s_.trace.snapshot());
            r.wire = take_wire_records();
            // Then the servers end what the case left open (the report holds it as it
            // was): a connection that outlived its case could reach into the next.
            if (!s_.tag.empty())
                env_.servers.close_tag_family(s_.tag);
            r.checks = std::move(s_.checks);
            if (!skip_message_.empty()) {
                r.result = status::skip;
                r.message = skip_message_;
            } else if (stopped_ == stop_reason::interrupted) {
                r.result = status::skip;
                r.message = "interrupted";
            } else {
                auto g = grade_case(c_, r.checks, env_.clauses);
                r.result = g.result;
                r.message = std::move(g.message);
                r.failed = std::move(g.failed);
                r.outcome = std::move(g.outcome);
            }
        }
        r.duration_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
        return r;
    }

private:
    /// SKIP or UNIMPLEMENTED, with the reason, when the case does not run here.
    std::optional<std::pair<status, std::string>> not_to_run() const
    {
        if (c_.when)
            if (auto why = check_pattern(*c_.when, env_.prof.raw))
                return std::pair{status::skip, "not for profile " + env_.prof.id + ": " + why->text()};
        if (c_.slow && !env_.run_slow && !(c_.slow_unless.size() && s_.has_capability(c_.slow_unless)))
            return std::pair{status::skip, std::string("slow case (long real waits): run with --slow")};
        if (c_.needs_lan_peer && !env_.lan_peer)
            return std::pair{status::skip,
                             std::string("needs a TCP echo peer at a non-local address of the local network: run with "
                                         "--lan-peer HOST:PORT (scripts/lan-peer-test.sh makes one in network namespaces)")};
        auto const caps = env_.iut_hello.value("capabilities", json::array());
        for (auto const& need : c_.requires_caps)
            if (std::find(caps.begin(), caps.end(), need) == caps.end())
                return std::pair{status::unimplemented, "the IUT lacks the capability \"" + need + "\""};
        return std::nullopt;
    }

    /// Steps, settle, then every check. Never throws.
    void judge()
    {
        try {
            setup();
            // The case's time starts once its IUT instance is ready: waiting for a
            // free browser page or a fresh process is the harness's, not the IUT's.
            s_.deadline = clock::now() + std::chrono::milliseconds(s_.case_timeout_ms());
            stopped_ = run_steps(c_.steps);
            if (stopped_ == stop_reason::none || stopped_ == stop_reason::failed)
                settle();
            if (stopped_ == stop_reason::interrupted || !skip_message_.empty())
                return;
            judge_expectations();
            judge_invariants();
            judge_outcomes();
            // A failed last step cut nothing short: the checks had every chance the
            // steps give them, and the settle after. Any other stop may have.
            if (stopped_ != stop_reason::none && (stopped_ != stop_reason::failed || steps_skipped_))
                not_judged_after_stop();
        } catch (std::exception const& e) {
            // A variable without a value, or a bug: the harness broke, not the IUT.
            auto& k = s_.add_check(check_kind::step, "", "run the case", {});
            s_.broke(k, check_status::error, "", std::string(dynamic_cast<variable_error const*>(&e) ? "" : "harness error: ") + e.what());
        }
    }

    void setup()
    {
        s_.tag = unique_tag(c_.id);
        auto& v = s_.vars;
        // The case's own WebSocket listeners: a browser holds a connection back while
        // another to its address is connecting, across pages, so a case sharing the main
        // address with the cases run beside it would see their handshakes in its timing.
        ws_ports_ = env_.servers.open_ws_listeners();
        v.set("ws", env_.servers.ws_url(ws_ports_.ws));
        v.set("wss", env_.servers.wss_url(ws_ports_.wss));
        v.set("tag", s_.tag);
        v.set("ws.port", ws_ports_.ws);
        v.set("wss.port", ws_ports_.wss);
        v.set("tcp.host", env_.servers.host());
        tcp_port_ = env_.servers.open_tcp_listener(s_.tag);
        v.set("tcp.port", tcp_port_);
        // Held for the whole case: a port bound and closed at once was free for any
        // socket, and under a loaded parallel run tcp.errors.connect-refused saw its
        // connect to such a port succeed, and failed the IUT for it. 0 when no port
        // could be bound.
        std::error_code closed_ec;
        closed_port_ = env_.servers.open_tcp_listener(s_.tag + "-closed", {echo::tcp_behaviour_kind::refuse}, 0, closed_ec);
        v.set("tcp.closed_port", closed_port_);
        if (env_.lan_peer) {
            v.set("lan.host", env_.lan_peer->first);
            v.set("lan.port", env_.lan_peer->second);
        }
        s_.iut = env_.factory.open([this](json const& ev) { on_event(ev); }, c_.fresh);
    }

    void teardown()
    {
        s_.iut.reset(); // closes what the IUT still holds
        env_.servers.close_ws_listeners(ws_ports_);
        for (auto const port : {tcp_port_, closed_port_})
            if (port)
                env_.servers.close_tcp_listener(port);
        for (auto const& [port, address] : tcp_listeners_)
            env_.servers.close_tcp_listener(port, address);
    }

    void on_event(json const& ev)
    {
        // From a process or remote driver: the IUT's diagnostics, and protocol violations.
        // Any member may have any type: string_member, never json::value(), which throws.
        auto const op = string_member(ev, "op");
        if (op == "log") {
            s_.trace.append({{"type", "note"}, {"text", "IUT log: " + string_member(ev, "text")}});
            return;
        }
        if (op == "adapter-error") {
            s_.trace.append({{"type", "note"}, {"text", string_member(ev, "text")}});
            if (!s_.bad_event)
                s_.bad_event_text = string_member(ev, "text");
            s_.bad_event = true;
            return;
        }
        // Anything but a well-formed invoke is the IUT's fault: note it, and end the case as ERROR.
        if (op != "invoke" || !ev.contains("fn") || !ev["fn"].is_string() ||
            !ev.contains("args") || !ev["args"].is_array()) {
            s_.trace.append({{"type", "note"}, {"text", "malformed event from the IUT: " + brief(ev, 300)}});
            if (!s_.bad_event)
                s_.bad_event_text = "malformed event: " + brief(ev, 300);
            s_.bad_event = true;
            return;
        }
        json arg = ev["args"].empty() ? json() : ev["args"][0];
        s_.trace.append({{"type", "invoke"}, {"fn", ev["fn"]}, {"arg", arg}, {"sync", ev.contains("sync") && ev["sync"] == true}});
    }

    /// The case's wire records, taken out of the log.
    json take_wire_records()
    {
        json out = json::array();
        if (s_.tag.empty())
            return out;
        for (auto const& rec : env_.servers.log().by_tag_family(s_.tag)) // ${tag} and ${tag}-suffix
            out.push_back(rec.to_json());
        // The report holds them now; the log keeps only what is still open, so a
        // long run (--repeat) does not grow it round by round.
        env_.servers.log().forget_tag_family(s_.tag);
        return out;
    }

    // ---- steps --------------------------------------------------------------

    /// Before each step: interrupted, out of time, or a broken IUT stop the steps.
    stop_reason check_time(step const& st)
    {
        if (s_.interrupted())
            return stop_reason::interrupted;
        if (s_.remaining().count() <= 0) {
            auto& k = s_.add_check(check_kind::step, st.pointer, "the case's time", st.clauses);
            s_.broke(k, check_status::timeout, "the case to finish within its timeout",
                     "the case timed out (" + std::to_string(s_.case_timeout_ms()) + " ms) before " + st.pointer);
            return stop_reason::timeout;
        }
        if (s_.bad_event) {
            auto& k = s_.add_check(check_kind::step, st.pointer, "well-formed events", st.clauses);
            s_.broke(k, check_status::error, "well-formed events", s_.bad_event_message());
            return stop_reason::error;
        }
        return stop_reason::none;
    }

    stop_reason run_steps(std::vector<step> const& steps)
    {
        for (std::size_t i = 0; i < steps.size(); ++i) {
            auto const& st = steps[i];
            if (auto why = check_time(st); why != stop_reason::none) {
                steps_skipped_ = true;
                return why;
            }
            stop_reason why = stop_reason::none;
            if (st.synchronous()) {
                auto end = i + 1;
                while (end < steps.size() && steps[end].synchronous())
                    ++end;
                why = run_block(s_, steps, i, end);
                i = end - 1;
            } else if (auto const* w = std::get_if<wait_step>(&st.action)) {
                why = run_wait(s_, st, *w);
            } else if (auto const* sl = std::get_if<sleep_step>(&st.action)) {
                sleep_for(std::chrono::milliseconds(sl->ms));
            } else if (auto const* l = std::get_if<listen_step>(&st.action)) {
                listen(*l, st.pointer + "/listen");
            } else if (auto const* a = std::get_if<advance_clock_step>(&st.action)) {
                why = advance_clock(std::chrono::milliseconds(s_.vars.substitute(a->ms).get<std::int64_t>()), st);
            } else if (auto const* ws = std::get_if<wire_step>(&st.action)) {
                auto& k = s_.add_check(check_kind::step, st.pointer + "/wire", "the server saw", st.clauses);
                why = judge_wire(ws->spec, st.pointer + "/wire", k);
                if (why == stop_reason::none && k.result == check_status::fail)
                    why = stop_reason::failed;
            } else if (auto const* rp = std::get_if<repeat_step>(&st.action)) {
                auto const n = s_.vars.substitute(rp->count).get<std::int64_t>();
                for (std::int64_t k = 0; k < n && why == stop_reason::none; ++k) {
                    s_.vars.push_loop(k);
                    why = run_steps(rp->steps);
                    s_.vars.pop_loop();
                    if (why != stop_reason::none && k + 1 < n)
                        steps_skipped_ = true;
                }
            }
            if (!skip_message_.empty())
                return stop_reason::failed;
            if (why != stop_reason::none) {
                if (i + 1 < steps.size())
                    steps_skipped_ = true;
                return why;
            }
        }
        return stop_reason::none;
    }

    /// A TCP listener of the echo servers for this case: ${listen.NAME.port},
    /// ${listen.NAME.tag}, ${listen.NAME.host}. A port or address that cannot be
    /// listened on makes the case SKIP (below 1024 without the privilege, no ::1
    /// on this host): what it checks cannot be set up here.
    void listen(listen_step const& l, std::string const& ptr)
    {
        echo::tcp_behaviour b;
        b.kind = l.behaviour;
        b.bytes = l.bytes ? s_.vars.substitute(*l.bytes).get<std::uint64_t>() : 0;
        auto const want = l.port ? s_.vars.substitute(*l.port).get<std::uint16_t>() : std::uint16_t{0};
        auto const tag = s_.tag + "-" + l.as;
        // The loader admits only ipv4 and ipv6, for which there is always an address.
        auto const host = l.family.empty() ? env_.servers.host() : *echo::listen_address_for(l.family, env_.servers.host());
        std::error_code ec;
        auto const port = env_.servers.open_tcp_listener(tag, b, want, host, ec);
        if (!port) {
            auto const why = ec == std::errc::permission_denied ? "; ports below 1024 need privilege"
                             : ec == std::errc::address_not_available || ec == std::errc::address_family_not_supported
                                 ? "; this host has no such address (for ::1: IPv6 is off or lo has no ::1)"
                                 : "";
            skip_message_ = ptr + ": cannot listen on " + echo::host_port(host, want) + " (" + ec.message() + why +
                            "), so this check cannot be made here";
            return;
        }
        tcp_listeners_.emplace_back(port, host);
        s_.vars.set("listen." + l.as + ".port", port);
        s_.vars.set("listen." + l.as + ".tag", tag);
        s_.vars.set("listen." + l.as + ".host", host);
        s_.trace.append(json{{"type", "note"}, {"text", "listening on " + host + " port " + std::to_string(port) + " (" +
                                                            l.behaviour_name + ", tag " + tag + ")"}});
    }

    /// Let `ms` pass for the IUT's time-window rules: on its virtual clock when
    /// it has one, else for real (such cases are marked slow).
    stop_reason advance_clock(std::chrono::milliseconds ms, step const& st)
    {
        if (!s_.has_capability("virtual-clock")) {
            s_.trace.append(json{{"type", "note"}, {"text", "waiting " + std::to_string(ms.count()) + " ms of real time (no virtual clock)"}});
            sleep_for(ms);
            return stop_reason::none;
        }
        auto const r = s_.iut->execute(json{{"op", "clock"}, {"advance_ms", ms.count()}}, s_.command_timeout());
        if (r.kind == reply_kind::timeout && s_.interrupted())
            return stop_reason::interrupted;
        s_.trace.append(json{{"type", "note"}, {"text", "virtual clock advanced " + std::to_string(ms.count()) + " ms"}});
        if (r.kind == reply_kind::value)
            return stop_reason::none;
        auto& k = s_.add_check(check_kind::step, st.pointer, "advance the virtual clock", st.clauses);
        auto const why = r.message.empty() ? brief(r.value) : r.message;
        s_.broke(k, check_status::error, "the clock command to succeed",
                 st.pointer + ": the IUT did not advance its virtual clock: " + why);
        return stop_reason::error;
    }

    void sleep_for(std::chrono::milliseconds ms)
    {
        auto const until = std::min(clock::now() + ms, s_.deadline);
        while (clock::now() < until && !s_.interrupted())
            std::this_thread::sleep_for(std::min<clock::duration>(until - clock::now(), std::chrono::milliseconds(20)));
    }

    /// Before the checks: the results of calls made with callbacks (up to wait_timeout_ms
    /// for them, as a wait step would give), then settle_ms of quiet. Without the first
    /// part a case ending on `wait closed` judged a close() whose success came after its
    /// onClose by only settle_ms (30 ms): a slow IUT's success 33 ms late was reported as
    /// "neither success nor fail" (INV-CALLBACK-ONE-RESULT), the harness's timing, not
    /// the IUT's. A result that never comes still fails the invariant.
    void settle()
    {
        auto const limit = std::min(clock::now() + std::chrono::milliseconds(env_.settings.wait_timeout_ms), s_.deadline);
        s_.trace.wait_until([this](std::vector<json> const& entries) { return s_.interrupted() || !results_pending(entries); },
                            limit);
        sleep_for(std::chrono::milliseconds(env_.settings.settle_ms));
    }

    /// A call that returned (not threw) with a `complete` callback that has not run yet.
    static bool results_pending(std::vector<json> const& entries)
    {
        std::map<std::string, long> owed; // "<base>.complete" -> calls made minus completes seen
        for (auto const& e : entries) {
            auto const type = e.value("type", std::string{});
            if (type == "call" && e.contains("value")) {
                auto const& args = e.value("args", json::array());
                if (!args.is_array() || args.empty() || !args[0].is_object() || !args[0].contains("complete"))
                    continue;
                auto const& fn = args[0]["complete"];
                if (fn.is_object() && fn.contains("$fn") && fn["$fn"].is_string())
                    ++owed[fn["$fn"].get<std::string>()];
            } else if (type == "invoke" && e.contains("fn") && e["fn"].is_string()) {
                --owed[e["fn"].get<std::string>()];
            }
        }
        return std::any_of(owed.begin(), owed.end(), [](auto const& kv) { return kv.second > 0; });
    }

    /// A wire step or expectation, into `k`. Once the steps stopped early, what the
    /// case waited for will not come: the log is judged as it is, without waiting.
    stop_reason judge_wire(wire_spec const& spec, std::string const& ptr, check_result& k)
    {
        auto const timeout = std::chrono::milliseconds(spec.timeout_ms.value_or(env_.settings.wait_timeout_ms));
        bool const may_wait = stopped_ == stop_reason::none;
        auto const until = may_wait ? std::min(clock::now() + timeout, s_.deadline) : clock::now();
        auto const v = probe_wire(env_.servers.log(), spec, s_.vars, s_.tag, until, [this] { return s_.interrupted(); });
        if (v.held)
            return stop_reason::none;
        if (s_.interrupted()) {
            k.result = check_status::not_run;
            return stop_reason::interrupted;
        }
        if (may_wait && !v.final && clock::now() >= s_.deadline) {
            s_.broke(k, check_status::timeout, "the case to finish within its timeout",
                     "the case timed out (" + std::to_string(s_.case_timeout_ms()) + " ms) before " + ptr);
            return stop_reason::timeout;
        }
        // A record that may still change (too few connections, one still open) shows an absence.
        (s_.*(v.final ? &case_state::fail : &case_state::missing))(
            k, v.expected + (v.final || !may_wait ? "" : " within " + std::to_string(timeout.count()) + " ms"), v.actual,
            v.subject, v.expected_norm, v.observed_norm, {});
        return stop_reason::none;
    }

    // ---- checks -------------------------------------------------------------

    /// Judge one expectation into `k` (trace or wire). Returns why judging must stop.
    stop_reason judge(expect_entry const& e, check_result& k)
    {
        if (auto const* w = std::get_if<wire_expect>(&e.what))
            return judge_wire(w->spec, e.pointer + "/wire", k);
        judge_trace_expectation(s_, e, k);
        return stop_reason::none;
    }

    static std::string expectation_title(expect_entry const& e)
    {
        if (auto const* o = std::get_if<order_expect>(&e.what))
            return "order " + json(o->names).dump();
        if (auto const* c = std::get_if<count_expect>(&e.what))
            return std::string(c->kind == count_expect::form::once    ? "once "
                               : c->kind == count_expect::form::never ? "never "
                                                                     : "count ") +
                   json(c->names).dump();
        if (auto const* ev = std::get_if<event_expect>(&e.what))
            return "event " + json(ev->names).dump() + " #" + std::to_string(ev->nth);
        return "the server saw";
    }

    void judge_expectations()
    {
        for (auto const& e : c_.expect) {
            auto& k = s_.add_check(check_kind::expect, e.pointer, expectation_title(e), e.clauses);
            if (judge(e, k) == stop_reason::interrupted)
                return;
        }
    }

    void judge_invariants()
    {
        auto const violations = check_invariants(s_.trace.snapshot(), s_.names.calls(), s_.names.listeners(), env_.api);
        auto const cited = [&](std::string const& id) {
            return std::find(c_.clauses.begin(), c_.clauses.end(), id) != c_.clauses.end();
        };
        for (auto const& rule : env_.invariants.all()) {
            // One check per invariant and clause: every violation of it in this case.
            std::map<std::string, std::vector<violation const*>> by_clause;
            for (auto const& v : violations)
                if (v.id == rule.id)
                    by_clause[env_.invariants.clause_for(v.id, v.api)].push_back(&v);
            for (auto const& [clause, list] : by_clause) {
                check_result k;
                k.kind = check_kind::invariant;
                k.where = rule.id;
                k.title = rule.rule;
                if (!clause.empty())
                    k.clauses = {clause};
                k.counts = !clause.empty() && cited(clause);
                std::string actual, observed;
                std::vector<std::size_t> seqs;
                std::set<std::string> seen;
                for (auto const* v : list) {
                    actual += (actual.empty() ? "" : "; ") + v->message;
                    if (seen.insert(v->what).second)
                        observed += (observed.empty() ? "" : "; ") + v->what;
                    seqs.insert(seqs.end(), v->seqs.begin(), v->seqs.end());
                }
                s_.fail(k, rule.id, actual, rule.title, rule.rule, observed, seqs);
                s_.checks.push_back(std::move(k));
            }
            // The invariants that enforce a clause the case cites are checks of the case even when they held.
            if (by_clause.empty())
                for (auto const& [api, clause] : rule.clauses)
                    if (cited(clause)) {
                        check_result k;
                        k.kind = check_kind::invariant;
                        k.where = rule.id;
                        k.title = rule.rule;
                        k.clauses = {clause};
                        s_.checks.push_back(std::move(k));
                        break;
                    }
        }
    }

    void judge_outcomes()
    {
        if (c_.outcomes.empty())
            return;
        std::vector<std::size_t> missed; // indexes into checks
        bool held = false;
        for (auto const& o : c_.outcomes) {
            auto& k = s_.add_check(check_kind::outcome, o.pointer, o.name, o.clauses);
            k.grade = o.grade;
            if (held) {
                k.result = check_status::not_run;
                continue;
            }
            check_result miss;
            std::string miss_ptr;
            for (auto const& e : o.expect) {
                if (judge(e, miss) == stop_reason::interrupted)
                    return;
                if (miss.result != check_status::pass) {
                    miss_ptr = e.pointer;
                    break;
                }
            }
            auto& ko = k; // judge() adds no check, so `k` still refers into checks
            if (miss.result == check_status::pass) {
                held = true;
                continue;
            }
            ko.result = miss.result == check_status::fail ? check_status::fail : miss.result;
            ko.counts = false; // only "none held" decides the case
            ko.expected = miss_ptr + " expected " + miss.expected;
            ko.actual = miss.actual;
            ko.subject = miss.subject;
            ko.expected_norm = miss.expected_norm;
            ko.observed_norm = miss.observed_norm;
            ko.seqs = miss.seqs;
            ko.absent = miss.absent;
            missed.push_back(s_.checks.size() - 1);
        }
        if (held)
            return;
        check_result none;
        none.kind = check_kind::outcome;
        none.where = c_.where("/outcomes");
        none.title = "one of the allowed outcomes";
        // What no outcome held is about: the clauses the outcomes cite (an outcome
        // without its own cites the case's), not every clause of the case.
        std::set<std::string> about;
        for (auto const& o : c_.outcomes)
            for (auto const& id : c_.clauses_of(o.clauses))
                about.insert(id);
        for (auto const& id : c_.clauses)
            if (about.count(id))
                none.clauses.push_back(id); // in the case's order
        std::string names, misses, norm;
        for (auto i : missed) {
            auto const& m = s_.checks[i];
            names += (names.empty() ? "" : " | ") + m.title;
            misses += (misses.empty() ? "" : "; ") + ("\"" + m.title + "\": " + m.expected + ", got " + m.actual);
            norm += (norm.empty() ? "" : "; ") + (m.subject + ": " + m.observed_norm);
        }
        s_.fail(none, "one of the allowed outcomes", misses, "allowed outcomes: " + names, "one of them", norm);
        none.absent = std::all_of(missed.begin(), missed.end(), [&](auto i) { return s_.checks[i].absent; });
        s_.checks.push_back(std::move(none));
    }

    /// The steps stopped early: an expectation or outcome that failed only because
    /// something had not happened yet is no finding (the steps never got there).
    /// What did happen is still judged: a wrong argument, a call too many.
    void not_judged_after_stop()
    {
        auto const stop = std::find_if(s_.checks.begin(), s_.checks.end(), [](check_result const& k) {
            return k.kind == check_kind::step && k.result != check_status::pass && k.result != check_status::not_run;
        });
        auto const where = stop == s_.checks.end() ? std::string("an earlier step") : stop->where;
        for (auto& k : s_.checks)
            if (k.absent && k.result == check_status::fail && (k.kind == check_kind::expect || k.kind == check_kind::outcome)) {
                k.result = check_status::not_run;
                k.actual += " (not judged: the steps stopped at " + where + " before it could happen)";
            }
    }

    test_case const& c_;
    run_env const& env_;
    case_state s_;
    stop_reason stopped_ = stop_reason::none;
    bool steps_skipped_ = false; ///< the stop left steps (or repeats) of the case unrun
    std::string skip_message_; ///< a listen step could not be set up: the case is SKIP
    echo::ws_listener_ports ws_ports_; ///< ${ws}, ${wss}: from setup to teardown
    std::uint16_t tcp_port_ = 0;
    std::uint16_t closed_port_ = 0; ///< ${tcp.closed_port}: a `refuse` listener, held from setup to teardown
    std::vector<std::pair<std::uint16_t, std::string>> tcp_listeners_; ///< port, address: from "listen" steps
};

} // namespace

reports::case_result run_case(test_case const& c, run_env const& env) { return case_run(c, env).run(); }

} // namespace sockconf::harness
