// The global invariants checked on every trace (suites/README.md, "Invariants
// checked on every case"), whatever the case says, and their catalog
// (specs/invariants.json): each rule's wording and the clause it enforces for
// each API. A violation is attributed to that clause; it decides a case's
// status only when the case cites the clause, else it is reported once per run
// as a finding ("also seen" on the case).
#pragma once

#include <sockconf/common/value.hpp>
#include <sockconf/harness/api_catalog.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sockconf::harness {

/// The ids the checker implements, in the order it reports them.
std::vector<std::string> const& invariant_ids();

struct invariant_rule {
    std::string id;    ///< INV-...
    std::string rule;  ///< what must hold, one sentence
    std::string title; ///< a deviation's short name ("success/fail/complete called synchronously")
    /// API -> clause id. The API is a function ("wx.connectSocket"), a class
    /// method ("SocketTask.send"), a class ("SocketTask") or "wx"; the most
    /// specific key wins.
    std::map<std::string, std::string> clauses;
};

class invariant_catalog {
public:
    /// Throws spec_error (E-INVARIANT-*): not an invariant the checker implements,
    /// one it implements missing, an unknown clause (`known_clause`).
    static invariant_catalog load(std::string const& path, std::function<bool(std::string const&)> const& known_clause);
    static invariant_catalog from_json(json const& doc, std::string const& source,
                                       std::function<bool(std::string const&)> const& known_clause);

    invariant_rule const* find(std::string const& id) const;
    /// The clause `id` enforces for `api` ("" when none is listed).
    std::string clause_for(std::string const& id, std::string const& api) const;
    std::vector<invariant_rule> const& all() const noexcept { return rules_; }

private:
    std::vector<invariant_rule> rules_;
};

/// A call made with success/fail/complete named `<base>.success` etc.
struct callback_call {
    std::string base;
    std::string api;   ///< "wx.connectSocket", "SocketTask.send", "wx.closeSocket"
    std::string where; ///< file#pointer of the step
};

/// A listener function registered on an object.
struct listener_registration {
    std::string fn;     ///< the harness's name of the function
    std::string handle; ///< the object's handle id ("wx" for the wx.onSocket* globals)
    std::string cls;    ///< its class ("wx" for the globals)
    std::string event;  ///< the event it listens to ("open", "close", ...)
    std::string api;    ///< the method that registered it: "SocketTask.onOpen", "wx.onSocketOpen"
};

struct violation {
    std::string id;      ///< INV-...
    std::string api;     ///< the API it is about (see invariant_rule::clauses)
    std::string message; ///< what happened, with seq numbers from the trace
    std::string what;    ///< the same with nothing run-specific: "wx.connectSocket success"
    std::vector<std::size_t> seqs; ///< the trace entries involved
};

/// All violations in `entries`, in the order of the rules.
std::vector<violation> check_invariants(std::vector<json> const& entries,
                                        std::vector<callback_call> const& calls,
                                        std::vector<listener_registration> const& listeners,
                                        api_catalog const& api);

} // namespace sockconf::harness
