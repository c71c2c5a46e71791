// The API surface the harness drives (specs/api.json): which functions and
// methods exist, which take success/fail/complete, which add or remove listeners.
#pragma once

#include <sockconf/common/value.hpp>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace sockconf::harness {

struct api_entry {
    bool callbacks = false;
    std::string returns;          ///< class of the returned object, if any
    /// The clause "returns a <returns>" is (specs/api.json). A call step that a
    /// case needs (no clauses of its own) and that gets something else fails for
    /// this clause, cited by the case or not: nothing after it can be judged (D41).
    std::string returns_clause;
    std::string adds_listener;    ///< event name, for on* methods
    std::string removes_listener; ///< event name, for off* methods
};

struct api_class {
    std::map<std::string, api_entry> methods;
    /// Properties some IUT may have (optional ones included: a case reads them
    /// and decides by outcome whether they must be there).
    std::set<std::string> properties;
    /// Names the documents do not define, which a case may read to check that
    /// they are absent (SocketTask's off* methods, D31).
    std::set<std::string> absent;
    std::string open_event;  ///< lifecycle: the event that opens (SocketTask: "open")
    std::string close_event; ///< lifecycle: the event after which nothing may come
};

class api_catalog {
public:
    /// Throws spec_error naming the file and pointer.
    /// `known_clause`, when given, validates returns_clause (E-API-CLAUSE).
    static api_catalog load(std::string const& path, std::function<bool(std::string const&)> const& known_clause = {});
    static api_catalog from_json(json const& doc, std::string const& source,
                                 std::function<bool(std::string const&)> const& known_clause = {});

    /// "wx.connectSocket" -> entry.
    std::optional<api_entry> function(std::string const& name) const;
    std::optional<api_entry> method(std::string const& cls, std::string const& name) const;
    api_class const* find_class(std::string const& cls) const;
    /// True when `get cls.name` is meaningful: a property, a method or an absent name.
    bool readable(std::string const& cls, std::string const& name) const;

private:
    std::map<std::string, api_entry> functions_;
    std::map<std::string, api_class> classes_;
};

} // namespace sockconf::harness
