#include "wire_probe.hpp"

#include <thread>

namespace sockconf::harness::detail {

wire_verdict probe_wire(echo::wire_log const& log, wire_spec const& spec, variables const& vars,
                        std::string const& default_tag, std::chrono::steady_clock::time_point until,
                        std::function<bool()> const& stop, std::chrono::milliseconds poll)
{
    auto const tag = spec.tag ? vars.substitute(*spec.tag).get<std::string>() : default_tag;
    std::optional<std::size_t> const count =
        spec.count ? std::optional<std::size_t>(vars.substitute(*spec.count).get<std::size_t>()) : std::nullopt;
    auto const resolve = [&](json const& x) { return vars.resolve(x); };
    wire_verdict v;
    v.expected = "the server to have seen ";
    if (count)
        v.expected += std::to_string(*count) + " connection(s) tagged \"" + tag + "\"";
    if (spec.match)
        v.expected += std::string(count ? ", " : "") + "connection #" + std::to_string(spec.index) + " matching " +
                      brief(spec.match->raw, 200);
    for (;;) {
        auto const records = log.by_tag(tag);
        v.actual.clear();
        v.final = false;
        if (count && records.size() != *count) {
            v.actual = std::to_string(records.size()) + " connection(s) tagged \"" + tag + "\"";
            v.subject = "connections the server saw";
            v.expected_norm = std::to_string(*count);
            v.observed_norm = std::to_string(records.size());
            v.final = records.size() > *count; // connections are never taken back
        } else if (spec.match) {
            if (spec.index >= records.size()) {
                v.actual = "no connection #" + std::to_string(spec.index) + " tagged \"" + tag + "\" (" +
                           std::to_string(records.size()) + " seen)";
                v.subject = "connections the server saw";
                v.expected_norm = "connection #" + std::to_string(spec.index);
                v.observed_norm = std::to_string(records.size()) + " connection(s)";
            } else if (auto m = check_pattern(*spec.match, from_wire(records[spec.index].to_json()), resolve)) {
                v.actual = "connection #" + std::to_string(spec.index) + ": " + m->text();
                v.subject = "the server's record: " + m->path;
                v.expected_norm = m->expected_key();
                v.observed_norm = m->observed_key(); // normalised where the check fails
                // An ended connection's record no longer changes.
                v.final = records[spec.index].end != echo::conn_end::open;
            }
        }
        if (v.actual.empty()) {
            v.held = true;
            return v;
        }
        if (v.final || std::chrono::steady_clock::now() >= until || (stop && stop()))
            return v;
        std::this_thread::sleep_for(poll);
    }
}

} // namespace sockconf::harness::detail
