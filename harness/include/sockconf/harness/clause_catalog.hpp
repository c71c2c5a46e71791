// The clause catalog (specs/clauses/*.json): every testable statement of the
// seed documents, with a stable id that cases cite.
#pragma once

#include <sockconf/harness/matcher.hpp>

#include <map>
#include <string>
#include <vector>

namespace sockconf::harness {

enum class clause_level { must, should, may, info };

/// "MUST", "SHOULD", "MAY", "INFO": as catalogs and reports spell it.
char const* to_string(clause_level level) noexcept;

struct clause {
    std::string id;
    std::string area;
    clause_level level = clause_level::must;
    std::string statement;
    std::string seed;
    std::string quote;
    std::string decision;
    /// Why no case can test it on a loopback test machine ("" when one can).
    std::string untestable;
    /// Hosts on which no implementation can meet it, and why (an IUT's hello
    /// names its host: "browser", "node", "native"). A deviation from such a
    /// clause on such a host is shown apart, as a limit of the host.
    std::map<std::string, std::string> host_limits;
    /// The level where a profile matches `when` (first match wins), e.g. a
    /// property Taro documents is MUST under the taro profiles and SHOULD
    /// ("if present") elsewhere. `level` is the default.
    struct profile_level {
        pattern when;
        clause_level level = clause_level::must;
    };
    std::vector<profile_level> levels;
    std::string file; ///< catalog file it came from
};

/// The five seed documents a clause may cite.
std::vector<std::string> const& seed_files();

class clause_catalog {
public:
    /// Load every *.json in `dir`. Throws spec_error (E-CLAUSE-*) naming file and pointer.
    static clause_catalog load_dir(std::string const& dir);
    /// Add the clauses of one catalog file.
    void load_file(std::string const& path);

    /// Give each clause the level its `levels` name for this profile (the
    /// profile file as loaded); clauses without a match keep their default.
    void apply_profile(json const& profile_raw);

    clause const* find(std::string const& id) const;
    std::map<std::string, clause> const& all() const noexcept { return clauses_; }

private:
    std::map<std::string, clause> clauses_;
};

} // namespace sockconf::harness
