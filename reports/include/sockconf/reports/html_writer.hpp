// report.html: one self-contained page for people (no network: inline CSS, a
// fixed inline script, inline SVG). It shows
//   - the deviations first (deviations.hpp), linking their cases, the host's
//     limits apart;
//   - a summary: the IUT, profile, a count per status;
//   - filters by status and by area (the case's suite and its clauses' areas);
//   - the clause matrix: one row per clause the cases cite (level, area, seed,
//     statement), its cases as chips coloured by status;
//   - every case, folded, failing and unexpected ones first: where, expected and
//     actual, its deviations, its checks as a table, and its trace as a sequence diagram with three lanes
//     test <-> IUT <-> server (API calls, returns and callbacks between test and
//     IUT; the echo servers' wire records on the server lane), time downwards;
//   - benchmark charts when the run has `bench` (bench/README.md): throughput by
//     message size per target (msgs/s and MB/s), latency percentiles and
//     histograms, handshake rates.
// Every string that came from an IUT, a peer or a file is escaped and rendered
// by the writer: the script is a constant that reads no data, and the page's
// Content-Security-Policy allows exactly that script and style (by hash) and
// no network, so an injected handler could not run even if escaping failed.
#pragma once

#include <sockconf/reports/result.hpp>

#include <ostream>
#include <string>
#include <string_view>

namespace sockconf::reports {

void write_html(run_report const& r, std::ostream& out);

/// A page of benchmark results alone (format "sockconf-bench"; the same charts
/// as report.html). A malformed entry is skipped, never an exception.
void write_bench_html(json const& bench, std::ostream& out);

/// HTML text and attribute escaping (& < > " '); control characters other than
/// tab, CR and LF show as \xNN. The same as xml_escape (junit_writer.hpp).
std::string html_escape(std::string_view text);

} // namespace sockconf::reports
