// A case's trace: every API call, return, throw and every call of a
// harness-named function (callback or listener), in the order they happened,
// timestamped. Written by the case runner and by the driver's event thread,
// read by waits and checks. Thread-safe.
//
// Entries (wire form, as they appear in report.json):
//   {"seq":N,"t_ms":T,"type":"call","step":"/steps/3","target":"task.send","args":[...],
//    "value":... | "threw":{...} | "error":"..."}
//   {"seq":N,"t_ms":T,"type":"get","step":"/steps/4","target":"task.readyState","value":1}
//   {"seq":N,"t_ms":T,"type":"invoke","fn":"open","arg":{...},"sync":false}
//   {"seq":N,"t_ms":T,"type":"note","text":"..."}     (harness remarks, e.g. a bad event)
#pragma once

#include <sockconf/common/value.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace sockconf::harness {

class trace {
public:
    using clock = std::chrono::steady_clock;

    trace();

    /// Adds seq and t_ms; returns seq.
    std::size_t append(json entry);
    std::vector<json> snapshot() const;
    std::size_t size() const;
    /// Put `entries` at position `pos` (0-based), before what was appended since,
    /// and renumber seq. For replies of a synchronous block: they happened before
    /// any event the block caused, even when the harness learns of them later.
    void insert(std::size_t pos, std::vector<json> entries);

    /// Wait until `pred(entries)` holds or `deadline` passes; true when it held.
    /// `pred` runs again at least every 50 ms, so it may also test a flag that no
    /// append signals (Ctrl-C's).
    bool wait_until(std::function<bool(std::vector<json> const&)> const& pred,
                    clock::time_point deadline) const;

    double elapsed_ms() const;

private:
    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    std::vector<json> entries_;
    clock::time_point start_;
};

/// The invoke entries of function `fn`, in order.
std::vector<json const*> invocations(std::vector<json> const& entries, std::string const& fn);

} // namespace sockconf::harness
