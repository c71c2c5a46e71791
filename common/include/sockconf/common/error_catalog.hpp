// The one catalog of sockconf's stable error ids (E-*): each id with the section it
// belongs to, what it means and an example of the message sockconf prints with it.
// docs/errors.md is generated from this table (build/bin/sockconf-errors-md,
// `make errors-doc`), `sockconf errors [ID]` explains ids on the command line, and
// two ctests keep the three in step:
//   error_catalog      the ids the code uses (literals "E-..." in common/ harness/
//                      reports/ echo-servers/ bench/ reference-impl/ adapters/ scripts/,
//                      and ids written into messages, "E-ADAPTER-EXIT: ...") are exactly
//                      the ids below (scripts/check-error-catalog.sh);
//   error_catalog_doc  docs/errors.md is what the generator prints.
//
// To add an id: add ONE entry to `error_catalog` below, in its section, written
//     {"E-NEW-ID", error_area::..., "what it means", "an example message [E-NEW-ID]"},
// with the id and its area on the entry's first line (the check script reads the ids
// from there); then `make errors-doc` and commit docs/errors.md with it. An example is
// the message the code builds, with a file, pointer and value filled in; for
// spec_error that is "FILE:POINTER: DETAIL [ID]". A new section is one more
// error_area value and one more entry in `error_sections`.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace sockconf {

/// The sections of the catalog (and of docs/errors.md), in their order there.
enum class error_area { json_files, specs, cases, runs, adapters };

struct error_section {
    error_area area;
    std::string_view title; ///< the heading in docs/errors.md
    std::string_view note;  ///< a paragraph under the heading (may be empty)
};

inline constexpr std::array error_sections{
    error_section{error_area::json_files, "Files of JSON (every input)", ""},
    error_section{error_area::specs, "Specs: clauses, API surface, invariants (specs/)", ""},
    error_section{error_area::cases, "Cases (suites/)", ""},
    error_section{error_area::runs, "Expectations, reports, runs", ""},
    error_section{error_area::adapters, "Adapters (specs/adapter-protocol.md)",
                  "During a case these end it as ERROR (the message starts with the id; a process IUT's message ends "
                  "with the end of its stderr), and the run goes on. When the first instance, started to read the "
                  "IUT's hello, fails so, the run stops: `error: the IUT did not start: E-ADAPTER-…`, exit 3."},
};

struct error_entry {
    std::string_view id;      ///< ^E-[A-Z0-9-]+$, stable: tools and docs refer to it
    error_area area;
    std::string_view meaning; ///< Markdown (backticks for code)
    std::string_view example; ///< a message as sockconf prints it
};

// clang-format off
inline constexpr std::array error_catalog{
    // Files of JSON (every input)
    error_entry{"E-FILE-READ", error_area::json_files,
        "the file cannot be read (missing, a folder, no permission)",
        "my-profile.json: cannot open the file for reading [E-FILE-READ]"},
    error_entry{"E-JSON-SYNTAX", error_area::json_files,
        "not valid JSON; the message gives line and column",
        "./suites/websocket/close.json: not valid JSON at line 10, column 9: [json.exception.parse_error.101] parse error at line 10, column 9: syntax error while parsing array - unexpected '{'; expected ']' [E-JSON-SYNTAX]"},
    error_entry{"E-UNKNOWN-KEY", error_area::json_files,
        "a member the format does not define (the allowed ones are listed)",
        "./suites/websocket/close.json:/cases/0/timeout: unknown member \"timeout\" (allowed: id, title, clauses, tags, requires, when, slow, fresh, timeout_ms, steps, expect, outcomes, notes) [E-UNKNOWN-KEY]"},
    error_entry{"E-MISSING", error_area::json_files,
        "a required member is absent",
        "./suites/websocket/close.json:/cases/2: required member \"title\" is missing [E-MISSING]"},
    error_entry{"E-TYPE", error_area::json_files,
        "a member of the wrong JSON type",
        "./suites/websocket/close.json:/cases/1/steps/4/args: args is an object (the options argument) or an array of arguments, got string \"4000\" [E-TYPE]"},
    error_entry{"E-EMPTY", error_area::json_files,
        "an empty string or list where one value at least is needed",
        "./suites/tcp/connect.json:/cases/3/clauses: expected at least one entry [E-EMPTY]"},
    error_entry{"E-ENUM", error_area::json_files,
        "a value outside its allowed set",
        "./specs/profiles/taro.json:/switches/limit_refusal: expected \"fail_callback\" or \"error_event\", got \"throw\" [E-ENUM]"},
    error_entry{"E-RANGE", error_area::json_files,
        "a number outside its allowed range",
        "./suites/websocket/close.json:/cases/5/timeout_ms: expected an integer from 100 to 3600000, got 50 [E-RANGE]"},
    error_entry{"E-SCHEMA", error_area::json_files,
        "against its JSON Schema (specs/schemas/): a string that does not match the pattern, or a value of none of the allowed forms (the errors of the closest form, else the forms)",
        "./suites/websocket/close.json:/cases/0/steps/3: matches none of the allowed forms: call step, get step, wait step, sleep step, wire step, repeat step [E-SCHEMA]"},
    error_entry{"E-SCHEMA-FILE", error_area::json_files,
        "a schema of specs/schemas/ that lint cannot use (a keyword its validator does not implement, a $ref outside the file)",
        "./specs/schemas/case.schema.json:/$defs/step: keyword \"if\" is not supported by sockconf's validator [E-SCHEMA-FILE]"},

    // Specs: clauses, API surface, invariants (specs/)
    error_entry{"E-PROFILE-HARNESS-TIMING", error_area::specs,
        "a profile gives `timings.case_timeout_ms`, `wait_timeout_ms` or `settle_ms`: harness settings, which moved to specs/settings.json",
        "./specs/profiles/my-platform.json:/timings/settle_ms: timings.settle_ms is a harness setting, not a platform fact: it moved to specs/settings.json (`sockconf run --settings FILE` overrides it); remove it from this profile [E-PROFILE-HARNESS-TIMING]"},
    error_entry{"E-CLAUSE-ID", error_area::specs,
        "a clause id that is not upper-case letters, digits and '-'",
        "./specs/clauses/tcp.json:/clauses/0/id: a clause id is upper-case letters, digits and '-', got \"tcp-create-no-args\" [E-CLAUSE-ID]"},
    error_entry{"E-CLAUSE-DUPLICATE", error_area::specs,
        "a clause id defined twice",
        "./specs/clauses/tcp.json:/clauses/1/id: clause \"TCP-CREATE-NO-ARGS\" is already defined in ./specs/clauses/tcp.json [E-CLAUSE-DUPLICATE]"},
    error_entry{"E-CLAUSE-SEED", error_area::specs,
        "a clause cites a seed file the catalog does not know",
        "./specs/clauses/tcp.json:/clauses/0/seed: unknown seed file \"002_tcp.txt\" [E-CLAUSE-SEED]"},
    error_entry{"E-API-CLASS", error_area::specs,
        "specs/api.json: a function returns a class it does not define",
        "./specs/api.json:/functions/wx.createTCPSocket/returns: unknown class \"TcpSocket\" [E-API-CLASS]"},
    error_entry{"E-API-CLAUSE", error_area::specs,
        "specs/api.json: a `returns_clause` that is not a clause",
        "./specs/api.json:/functions/wx.connectSocket/returns_clause: unknown clause \"WS-CONNECT-RETURNS-TASK\" (see specs/clauses/) [E-API-CLAUSE]"},
    error_entry{"E-INVARIANT-UNKNOWN", error_area::specs,
        "specs/invariants.json lists an invariant the harness does not check",
        "./specs/invariants.json:/invariants/0/id: \"INV-CALLBACK-ONCE\" is not an invariant the harness checks [E-INVARIANT-UNKNOWN]"},
    error_entry{"E-INVARIANT-DUPLICATE", error_area::specs,
        "an invariant listed twice",
        "./specs/invariants.json:/invariants/1/id: \"INV-CALLBACK-ONE-RESULT\" is listed twice [E-INVARIANT-DUPLICATE]"},
    error_entry{"E-INVARIANT-MISSING", error_area::specs,
        "the harness checks an invariant the catalog does not list",
        "./specs/invariants.json:/invariants: the harness checks INV-READYSTATE-MONOTONIC, which the catalog does not list [E-INVARIANT-MISSING]"},
    error_entry{"E-INVARIANT-CLAUSE", error_area::specs,
        "an invariant's clause that is not a clause",
        "./specs/invariants.json:/invariants/0/clauses/wx.connectSocket: unknown clause \"WS-CALLBACKS-ONE-RESULT\" (see specs/clauses/) [E-INVARIANT-CLAUSE]"},

    // Cases (suites/)
    error_entry{"E-CASE-ID", error_area::cases,
        "a case id that is not lower-case letters, digits, '.' and '-'",
        "./suites/websocket/close.json:/cases/0/id: a case id is lower-case letters, digits, '.' and '-', got \"ws.close.Default_code\" [E-CASE-ID]"},
    error_entry{"E-CASE-DUPLICATE", error_area::cases,
        "two cases with one id",
        "./suites/websocket/events.json:/cases/4/id: case id \"ws.close.default-code-1000\" is also used at ./suites/websocket/close.json#/cases/0 [E-CASE-DUPLICATE]"},
    error_entry{"E-CASE-TAG", error_area::cases,
        "a malformed tag",
        "./suites/websocket/close.json:/cases/0/tags/0: a tag is lower-case letters, digits, '.' and '-', got \"Slow Close\" [E-CASE-TAG]"},
    error_entry{"E-CASE-STEP", error_area::cases,
        "a step that is none of call, get, wait, sleep_ms, advance_clock_ms, listen, wire, repeat (or one that gives both `throws` and `may_throw`)",
        "./suites/websocket/close.json:/cases/0/steps/3: a step has one of call, get, wait, sleep_ms, advance_clock_ms, listen, wire, repeat; got object {\"wiat\":\"open\"} [E-CASE-STEP]"},
    error_entry{"E-CASE-TARGET", error_area::cases,
        "a call or get whose target is malformed or not in the API surface (specs/api.json)",
        "./suites/websocket/close.json:/cases/0/steps/4/call: SocketTask has no method \"shutdown\" (see specs/api.json) [E-CASE-TARGET]"},
    error_entry{"E-CASE-LISTENER", error_area::cases,
        "a listener on a function that takes none, or a step with both `listener` and `args`",
        "./suites/websocket/close.json:/cases/0/steps/4/listener: \"task.close\" takes no listener [E-CASE-LISTENER]"},
    error_entry{"E-CASE-NAME", error_area::cases,
        "a name (listener, callback, `as`, bound variable) the case does not declare, or a malformed one",
        "./suites/websocket/close.json:/cases/0/steps/3/wait: \"opened\" is not a listener or callback this case declares (declared: closed, open, task.complete, task.fail, task.success) [E-CASE-NAME]"},
    error_entry{"E-CASE-VARIABLE", error_area::cases,
        "an unknown `${variable}`",
        "./suites/websocket/close.json:/cases/0/steps/0/args/url: unknown variable ${wss_url} (ws, wss, ws.port, wss.port, tag, tcp.host, tcp.port, tcp.closed_port, lan.host, lan.port, i, profile.*, listen.NAME.port, listen.NAME.tag, listen.NAME.host, bound.NAME) [E-CASE-VARIABLE]"},
    error_entry{"E-CASE-EXPECT", error_area::cases,
        "a malformed expectation (e.g. count without equals, min or max)",
        "./suites/websocket/close.json:/cases/0/expect/1: count needs equals, min or max [E-CASE-EXPECT]"},
    error_entry{"E-CASE-CLAUSE", error_area::cases,
        "a clause the catalog does not define, or a check's `clauses` naming a clause the case does not cite",
        "./suites/websocket/close.json:/cases/0/expect/0/clauses/0: \"WS-TASK-CLOSE-CODE-SENT\" is not one of the case's clauses (a check tests clauses the case cites) [E-CASE-CLAUSE]"},
    error_entry{"E-MATCHER", error_area::cases,
        "a malformed matcher (unknown keyword, bad regex, unknown type)",
        "./suites/websocket/close.json:/cases/0/expect/2/wire/match/close_reason/regex: invalid regex: Mismatched '(' and ')' in regular expression [E-MATCHER]"},
    error_entry{"E-PATTERN", error_area::cases,
        "a pattern that is not an object of path → matcher",
        "./suites/websocket/close.json:/cases/0/expect/2/wire/match: a pattern is an object of \"path\": matcher, got array [1000] [E-PATTERN]"},

    // Expectations, reports, runs
    error_entry{"E-EXPECT-FORMAT", error_area::runs,
        "not a sockconf expectations file",
        "expectations.json:/format: expected \"sockconf-expectations\" [E-EXPECT-FORMAT]"},
    error_entry{"E-EXPECT-VERSION", error_area::runs,
        "an expectations version this sockconf does not read",
        "expectations.json:/version: this sockconf reads version 1 [E-EXPECT-VERSION]"},
    error_entry{"E-EXPECT-STATUS", error_area::runs,
        "an unknown status in an expectations file",
        "expectations.json:/cases/ws.close.default-code-1000: unknown status \"FAILED\" (PASS, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED, FAIL, ERROR, TIMEOUT, SKIP) [E-EXPECT-STATUS]"},
    error_entry{"E-FORMAT", error_area::runs,
        "`--format` names no report format (the registered ones are listed)",
        "\"xml\" in --format is not a report format: the formats are json, junit, md, html, summary [E-FORMAT]"},
    error_entry{"E-REPORT-FORMAT", error_area::runs,
        "not a sockconf report.json",
        "bench.json:/format: not a sockconf report (expected \"format\": \"sockconf-report\") [E-REPORT-FORMAT]"},
    error_entry{"E-REPORT-VERSION", error_area::runs,
        "a report version this sockconf does not read (versions 1 to the current one are read)",
        "report.json:/version: this sockconf reads versions 1 to 3 [E-REPORT-VERSION]"},
    error_entry{"E-REPORT-STATUS", error_area::runs,
        "an unknown status in a report",
        "report.json:/cases/3/status: unknown status \"PASSED\" (PASS, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED, FAIL, ERROR, TIMEOUT, SKIP) [E-REPORT-STATUS]"},
    error_entry{"E-REPORT-CHECK", error_area::runs,
        "an unknown check kind or status in a report",
        "report.json:/cases/3/checks/0/kind: unknown check kind \"assert\" (step, expect, outcome, invariant) [E-REPORT-CHECK]"},
    error_entry{"E-MERGE-EMPTY", error_area::runs,
        "`report merge` with no report",
        "no report to merge [E-MERGE-EMPTY]"},
    error_entry{"E-MERGE-SHARDS", error_area::runs,
        "shards that overlap, are missing, or are not shards",
        "shards 1/3, 3/3 given; all 3 are needed for a full run [E-MERGE-SHARDS]"},
    error_entry{"E-MERGE-DUPLICATE", error_area::runs,
        "a case in two merged reports",
        "shard2/report.json:/cases: case ws.globals.close-invalid-code-closes-nothing is also in shard1/report.json (overlapping shards?) [E-MERGE-DUPLICATE]"},
    error_entry{"E-MERGE-MISMATCH", error_area::runs,
        "reports of different runs (profile, IUT, shard count)",
        "shard2/report.json:/run: profile \"wechat-legacy\" differs from shard1/report.json's \"wechat\" [E-MERGE-MISMATCH]"},
    error_entry{"E-SHARD", error_area::runs,
        "a `--shard` that is not I/N with 1 ≤ I ≤ N",
        "--shard: expected I/N with 1 <= I <= N (e.g. 2/3), got \"4/3\" [E-SHARD]"},
    error_entry{"E-USAGE", error_area::runs,
        "a command line that does not fit together (e.g. `--links` and the reports they name, an id `sockconf errors` does not know)",
        "--links gives 1 link(s) for 2 report(s) [E-USAGE]"},
    error_entry{"E-INIT-NAME", error_area::runs,
        "`sockconf init` of a platform name that is not lower-case letters, digits and '-' (it names the folder, the profile and the page)",
        "\"My Platform\" is not a platform name: lower-case letters, digits and '-', starting with a letter or digit, at most 63 (it names the folder, the profile and the page) [E-INIT-NAME]"},
    error_entry{"E-INIT-EXISTS", error_area::runs,
        "`sockconf init` into a folder that exists: it writes a new folder and never overwrites one",
        "/home/me/my-platform: already exists: sockconf init writes a new folder and never overwrites one (remove it, or choose another with --dir) [E-INIT-EXISTS]"},
    error_entry{"E-REPRO-CASE", error_area::runs,
        "`sockconf repro` of a case id that does not exist (similar ids are named)",
        "no case with id \"ws.close.default\" (similar: ws.close.already-closed, ws.close.default-code-1000, ws.close.explicit-code-reason, ws.close.invalid-code-closes-nothing, ws.close.invalid-code-rejected); `sockconf list` prints the ids [E-REPRO-CASE]"},
    error_entry{"E-REPRO-VARIABLE", error_area::runs,
        "a repro needs a `${profile.*}` value the profile lacks, or `${i}` outside repeat",
        "./suites/tcp/create.json:/cases/8: the profile wechat has no value ${profile.limits.tcp_create_limit} [E-REPRO-VARIABLE]"},

    // Adapters (specs/adapter-protocol.md)
    error_entry{"E-ADAPTER-SYNTAX", error_area::adapters,
        "a line from the IUT that is not a JSON object",
        "E-ADAPTER-SYNTAX: stdout line 2: not a JSON object: wx.connectSocket called"},
    error_entry{"E-ADAPTER-VERSION", error_area::adapters,
        "the IUT speaks another protocol version",
        "E-ADAPTER-VERSION: stdout line 1: the IUT speaks protocol 2; this sockconf speaks 1"},
    error_entry{"E-ADAPTER-MESSAGE", error_area::adapters,
        "a malformed message: a hello without name or capabilities, a reply without id or to no command, an unknown type",
        "E-ADAPTER-MESSAGE: stdout line 2: a reply to no pending command (id 999)"},
    error_entry{"E-ADAPTER-TIMEOUT", error_area::adapters,
        "no hello, or no reply, in time (with `--iut-page`: no page said hello, or none was free)",
        "E-ADAPTER-TIMEOUT: no reply to command 1 within 5000 ms"},
    error_entry{"E-ADAPTER-EXIT", error_area::adapters,
        "the IUT exited or closed its pipes (or a page its control connection; with `--browser`, the browser launcher exited: its exit status and the end of its log say why, and no page is waited for)",
        "E-ADAPTER-EXIT: the IUT closed its stdout (exited?)"},
    error_entry{"E-ADAPTER-TOO-LONG", error_area::adapters,
        "a message from the IUT (a stdout line, a control frame) longer than `adapter_message_max_bytes` of the settings; the harness drops it unread",
        "E-ADAPTER-TOO-LONG: stdout line 2: a message longer than 16777216 bytes (adapter_message_max_bytes of the settings); dropped unread"},
    error_entry{"E-ADAPTER-FLOOD", error_area::adapters,
        "more events and logs in one case than `adapter_case_events_max` of the settings; the rest are dropped",
        "E-ADAPTER-FLOOD: stdout line 10002: more than 10000 events and logs in one case (adapter_case_events_max of the settings); the rest are dropped"},
    error_entry{"E-ADAPTER-REFUSED", error_area::adapters,
        "with `--iut-page`: a control WebSocket without this run's secret (`key=`) or from another Origin than sockconf's page server; refused with 403 and logged on stderr, the run goes on",
        "sockconf: refused a control connection from 127.0.0.1:40122: wrong origin: Origin \"http://evil.example\" is not http://127.0.0.1:37415 [E-ADAPTER-REFUSED]"},
};
// clang-format on

/// The entry for `id` ("E-TYPE"), or nullptr when the catalog has no such id.
constexpr error_entry const* find_error(std::string_view id) noexcept
{
    for (auto const& e : error_catalog)
        if (e.id == id)
            return &e;
    return nullptr;
}

/// The section an area's ids are listed under.
constexpr error_section const& section_of(error_area area) noexcept
{
    for (auto const& s : error_sections)
        if (s.area == area)
            return s;
    return error_sections.front(); // unreachable: every area has a section (checked below)
}

/// docs/errors.md: the intro, then a table per section (id, meaning, example).
/// build/bin/sockconf-errors-md and `sockconf errors --markdown` print it.
std::string error_catalog_markdown();

namespace detail {
constexpr bool well_formed_error_id(std::string_view id) noexcept
{
    if (id.size() < 3 || id.substr(0, 2) != "E-")
        return false;
    for (char c : id.substr(2))
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    return id.back() != '-';
}

constexpr bool error_catalog_is_sound() noexcept
{
    for (std::size_t i = 0; i < error_catalog.size(); ++i) {
        auto const& e = error_catalog[i];
        if (!well_formed_error_id(e.id) || e.meaning.empty() || e.example.empty())
            return false;
        for (std::size_t j = i + 1; j < error_catalog.size(); ++j)
            if (error_catalog[j].id == e.id)
                return false;
        bool sectioned = false;
        for (auto const& s : error_sections)
            sectioned = sectioned || s.area == e.area;
        if (!sectioned)
            return false;
    }
    return true;
}
} // namespace detail

// A duplicate or malformed id, or an entry without meaning or example, does not compile
// (common/test/error_catalog_test.cpp says which).
static_assert(detail::error_catalog_is_sound(), "error_catalog: an id is duplicated or malformed, or lacks meaning or example");

} // namespace sockconf
