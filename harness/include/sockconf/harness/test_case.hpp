// A loaded, validated case (format: suites/README.md), as types: the loader has
// checked every shape, target, name, matcher and variable once, so the runner
// only executes. Values that may hold ${variables} stay JSON (`json` members
// documented as "may hold variables") and are substituted when the case runs.
//
// Every step that must succeed, every expectation and every outcome is a check
// of its own; `clauses` on it names the clauses it tests (empty: all of the
// case's). A check's clauses are always among the case's.
#pragma once

#include <sockconf/common/value.hpp>
#include <sockconf/echo/servers.hpp>
#include <sockconf/harness/matcher.hpp>
#include <sockconf/reports/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sockconf::harness {

/// A list of harness names ("open", "task.success", "t${i}"): listeners and
/// callbacks, any of which a wait or an expectation accepts.
using name_list = std::vector<std::string>;

/// {"call": "wx.fn" | "name.method", ...}
struct call_step {
    std::string target;        ///< may hold ${i}
    std::optional<json> args;  ///< object: the options argument; array: the argument list (may hold variables)
    std::string as;            ///< binds the return value (and names the callbacks); "" when absent
    std::string listener;      ///< the function passed to on*/off* ("" when none)
    bool callbacks = true;     ///< "callbacks": false turns success/fail/complete off
    std::optional<matcher> returns;
    enum class throw_rule {
        must_not, ///< a throw is a failure
        any,      ///< "throws": true
        matching, ///< "throws": M (the message must match)
        may       ///< "may_throw": true: recorded as a call of <as>.threw
    } throws = throw_rule::must_not;
    std::optional<matcher> throw_message;
    /// "promise": the form of the result. never (false): it is returned synchronously
    /// and a Promise is a failure; always (true): it must be a Promise (awaited, as
    /// `await` would); either (absent). A "${profile.…}" string is resolved when the
    /// case runs (Taro's connectSocket returns Promise<SocketTask>, D57).
    enum class promise_rule { either, never, always };
    promise_rule promise = promise_rule::either;
    std::string promise_variable; ///< the "${profile.…}" that decides `promise`, "" when fixed

    /// `promise`, with a "${profile.…}" rule decided by `profile_raw` (the profile file as
    /// loaded); nullopt when that value is missing or not true/false.
    std::optional<promise_rule> promise_for(json const& profile_raw) const;
};

/// {"get": "name.prop", "as": N, "expect": M}
struct get_step {
    std::string target;
    std::string as;
    std::optional<matcher> expect;
};

/// {"wait": ...}: until `count` calls of any of `names` whose argument matches.
struct wait_step {
    name_list names;
    std::optional<pattern> match;
    std::size_t count = 1;
    std::optional<std::int64_t> timeout_ms; ///< default: the harness settings' wait timeout
    /// ${bound.VAR} := the value at PATH of the first matching call's argument.
    std::vector<std::pair<std::string, std::string>> bind;
};

struct sleep_step {
    std::int64_t ms = 0;
};

/// {"listen": ...}: a TCP listener of the echo servers for this case.
struct listen_step {
    std::string as;
    std::string behaviour_name = "echo";
    echo::tcp_behaviour_kind behaviour = echo::tcp_behaviour_kind::echo;
    std::optional<json> bytes; ///< may hold variables
    std::optional<json> port;  ///< may hold variables
    /// "ipv4" or "ipv6": listen on that family's address (echo::listen_address_for);
    /// empty: on the servers' host.
    std::string family;
};

struct advance_clock_step {
    json ms; ///< may hold variables
};

/// What the echo servers must have seen (a `wire` step or expectation).
struct wire_spec {
    std::optional<json> tag;   ///< default ${tag}; may hold variables
    std::optional<json> count; ///< exact number of connections; may hold variables
    std::size_t index = 0;
    std::optional<pattern> match;
    std::optional<std::int64_t> timeout_ms;
};

struct wire_step {
    wire_spec spec;
};

struct step;

/// {"repeat": K, "steps": [...]}: ${i} = 0 … K-1.
struct repeat_step {
    json count; ///< may hold variables
    std::vector<step> steps;
};

struct step {
    std::string pointer;              ///< in the case ("/steps/3", "/steps/2/steps/0")
    std::vector<std::string> clauses; ///< the clauses this step's check tests (empty: the case's)
    std::variant<call_step, get_step, wait_step, sleep_step, listen_step, advance_clock_step, wire_step, repeat_step>
        action;
    /// Only call and get steps form synchronous blocks.
    bool synchronous() const noexcept;
};

/// {"order": [...]}: each called, the first calls in this order.
struct order_expect {
    name_list names;
};
/// {"once": ...}, {"never": ...} and {"count": ..., "equals"|"min"|"max"}.
struct count_expect {
    enum class form { once, never, count } kind = form::count;
    name_list names; ///< once/never: each on its own; count: all together
    std::optional<std::size_t> equals, min, max;
};
/// {"event": names, "nth": I, "match": P}
struct event_expect {
    name_list names;
    std::size_t nth = 0;
    pattern match;
};
struct wire_expect {
    wire_spec spec;
};

struct expect_entry {
    std::string pointer; ///< in the case ("/expect/2", "/outcomes/0/expect/1")
    std::vector<std::string> clauses;
    std::variant<order_expect, count_expect, event_expect, wire_expect> what;
};

struct outcome {
    std::string name;
    reports::status grade = reports::status::pass; ///< PASS, NON-STRICT or INFORMATIONAL
    std::vector<expect_entry> expect;
    std::string pointer; ///< in the case ("/outcomes/1")
    std::vector<std::string> clauses;
};

struct test_case {
    std::string id;
    std::string title;
    std::string suite;   ///< folder under suites/
    std::string file;
    std::string pointer; ///< of the case in its file: "" or "/cases/N"
    std::vector<std::string> clauses;
    std::vector<std::string> requires_caps;
    /// The case's own "tags" (words for `sockconf run --tag`); see tags_of().
    std::vector<std::string> tags;
    std::optional<std::int64_t> timeout_ms;
    /// Pattern over the active profile (dotted paths into the profile file):
    /// the case applies only where it matches; elsewhere it is SKIP.
    std::optional<pattern> when;
    /// Needs long real waits (e.g. a 60 s default timeout): runs only when the
    /// run asks for slow cases (`sockconf run --slow`), else SKIP...
    bool slow = false;
    /// ...unless the IUT has this capability (e.g. "virtual-clock": it can jump
    /// past a 5-minute window instead of waiting for it).
    std::string slow_unless;
    /// Needs an IUT instance no earlier case touched (global state matters, as
    /// for the connection and creation limits); drivers that pool instances
    /// start a new one.
    bool fresh = false;
    /// Uses ${lan.host} / ${lan.port}: a TCP echo peer at a non-local address of
    /// the local network, which only `sockconf run --lan-peer` gives; else SKIP.
    bool needs_lan_peer = false;
    std::vector<step> steps;
    std::vector<expect_entry> expect;
    std::vector<outcome> outcomes;

    /// "<file>#<pointer>" for messages; `sub_pointer` is relative to the case.
    std::string where(std::string const& sub_pointer) const;
    /// The clauses a check tests: its own, else the case's.
    std::vector<std::string> const& clauses_of(std::vector<std::string> const& own) const;
};

/// Real time the case's steps wait at least (sleeps, advanced clocks without a
/// virtual clock, wait timeouts are not counted): for scheduling.
std::int64_t fixed_wait_ms(test_case const& c);

} // namespace sockconf::harness
