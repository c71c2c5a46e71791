// Joining the reports of the shards of one run (`sockconf run --shard I/N`)
// into the report a single full run would have written.
#pragma once

#include <sockconf/reports/result.hpp>

#include <string>
#include <vector>

namespace sockconf::reports {

/// Every case of `parts` once, in id order (the order of a full run), with the
/// union of their clauses. Run facts come from the first part, except:
/// started_at is the earliest, duration_ms the longest shard's (shards run side
/// by side), interrupted if any part was, shard "". `names` name the parts in
/// errors (file paths). Throws spec_error:
///   E-MERGE-EMPTY      no part given;
///   E-MERGE-MISMATCH   parts of different IUTs (hello name and version), profiles
///                      or expectations files;
///   E-MERGE-DUPLICATE  a case id in two parts (overlapping shards);
///   E-MERGE-SHARDS     shard labels that do not make exactly 1/N … N/N.
run_report merge_reports(std::vector<run_report> const& parts, std::vector<std::string> const& names);

} // namespace sockconf::reports
