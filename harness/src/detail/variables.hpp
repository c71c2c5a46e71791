// A case run's variables (suites/README.md, "Variables"): their values, the
// substitution of ${NAME} in values written in the case, and the reverse, for
// reports: a run's own values (its tag, ports, URLs) put back as their names,
// so that one behaviour reads the same in every case and every run.
#pragma once

#include <sockconf/common/profile.hpp>
#include <sockconf/common/value.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace sockconf::harness::detail {

/// A variable that has no value here (unknown, ${i} outside repeat, a profile
/// path the profile lacks). The case ends as ERROR with this message.
struct variable_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class variables {
public:
    explicit variables(profile const& prof) : prof_(prof) {}

    /// Set a variable ("tag", "ws", "listen.srv.port", "bound.lport", ...).
    void set(std::string const& name, json value);
    /// The value of ${name}. Throws variable_error.
    json value(std::string const& name) const;

    /// `v` with every ${NAME} replaced, and the case format's values
    /// ($arraybuffer_text, $repeat, $concat) made into their wire form. A string
    /// that is exactly one variable keeps the variable's type. Throws variable_error.
    json substitute(json const& v) const;
    /// substitute, then from_wire: the in-memory value a matcher compares with.
    json resolve(json const& v) const { return from_wire(substitute(v)); }

    /// Inside a repeat: ${i}.
    void push_loop(std::int64_t i) { loops_.push_back(i); }
    void pop_loop() { loops_.pop_back(); }

    /// `text` with this run's own values put back as ${names}: the tag (also
    /// inside longer tags: "${tag}-2"), the servers' URLs, every port variable,
    /// bound values of more than 3 characters; and "#12" trace references as "#N".
    std::string normalise(std::string text) const;

private:
    profile const& prof_;
    json vars_ = json::object();
    std::vector<std::int64_t> loops_;
};

} // namespace sockconf::harness::detail
