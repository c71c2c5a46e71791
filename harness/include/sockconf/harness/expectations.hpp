// Expectations (a baseline): what a given IUT is known to do, so that a CI run
// fails only on change. One JSON file per IUT:
//
//   {"format": "sockconf-expectations", "version": 1,
//    "iut": "taro-h5", "profile": "taro",                 // informative
//    "cases": {"ws.limits.max-open-then-extra-refused":
//                {"status": "FAIL", "reason": "no limit", "link": "https://..."},
//              "tcp.basic.echo-string": "UNIMPLEMENTED"},  // or just the status
//    "flaky": ["ws.events.push-50-each-once"]}            // any status accepted
//
// A listed case must end with exactly its status — a PASS where FAIL is listed is
// an unexpected pass. An unlisted case must end conforming (PASS, NON-STRICT,
// INFORMATIONAL, SKIP). Errors in the file are spec_errors (E-EXPECT-*).
#pragma once

#include <sockconf/reports/result.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace sockconf::harness {

struct expectation {
    reports::status status = reports::status::pass;
    std::string reason;
    std::string link;
};

class expectations {
public:
    /// No file: every case is expected to conform.
    expectations() = default;
    /// Throws spec_error naming the file and JSON pointer.
    static expectations load(std::string const& path);
    static expectations from_json(json const& doc, std::string const& source);

    /// Set expected / expected_reason / unexpected on `c`.
    void apply(reports::case_result& c) const;
    /// Listed case ids that are not in `ran` (stale entries, or filtered out).
    std::vector<std::string> not_run(std::vector<reports::case_result> const& ran) const;

    /// An expectations file that accepts `run` as it is: every case that did not
    /// PASS, with its status. A new reason is generated: "(from a run) " and the
    /// deviations that decided the case ("DEV-… headline"), else where it failed.
    /// Reasons of `previous` without that mark (written by hand) and its links are
    /// kept, and so are its flaky cases and its entries for cases this run did not have.
    static json from_run(reports::run_report const& run, expectations const& previous);

    std::string const& file() const noexcept { return file_; }

private:
    std::string file_;
    std::map<std::string, expectation> cases_;
    std::set<std::string> flaky_;
};

} // namespace sockconf::harness
