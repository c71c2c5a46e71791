// The driver interface: how the harness talks to one implementation under test
// (IUT) instance. Three kinds implement it (README.md, "Pointing it at an implementation"): in-process (the
// reference, linked in), process (stdio adapter) and remote (control
// WebSocket). Commands and events use the vocabulary of
// reference-impl/include/sockconf/ref/binding.hpp, which the adapter protocol
// carries unchanged.
#pragma once

#include <sockconf/common/profile.hpp>
#include <sockconf/common/value.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace sockconf::harness {

/// What became of one command.
enum class reply_kind {
    value,   ///< {"ok":true,"value":...}
    thrown,  ///< the call threw (JS semantics): {"ok":false,"thrown":{...}}
    refused, ///< the IUT rejected the command itself: {"ok":false,"error":"..."}
    timeout, ///< no reply in time
    broken   ///< the IUT is gone or answered garbage
};

struct reply {
    reply_kind kind = reply_kind::broken;
    json value;          ///< the value (wire form), or the thrown error
    std::string message; ///< for refused / timeout / broken: why
    /// The call returned a Promise and the adapter awaited it: `value` or the
    /// thrown error is what it settled to (adapters/js/shim.mjs).
    bool promise = false;
};

/// A reply as the protocol carries it ({"ok":..., "value"|"thrown"|"error"}) -> reply.
/// Anything else is `broken`.
reply reply_from_json(json const& r);

/// Receives the IUT's events ({"op":"invoke",...}) in the order it emitted them.
using event_sink = std::function<void(json const& event)>;

class driver {
public:
    virtual ~driver() = default;
    /// {"name","version","profile","capabilities":[...]}
    virtual json hello() const = 0;
    /// Execute one command; never waits longer than `timeout`.
    virtual reply execute(json const& command, std::chrono::milliseconds timeout) = 0;
};

/// Makes IUT instances, one per case.
class driver_factory {
public:
    virtual ~driver_factory() = default;
    /// An instance for one case. A factory may reuse instances (a pool of
    /// browser pages, reset between cases); `fresh` asks for one that no earlier
    /// case touched, for cases where global state matters (limits).
    virtual std::unique_ptr<driver> open(event_sink sink, bool fresh) = 0;
    /// The hello of an instance, for the report.
    virtual json describe() = 0;
    /// The User-Agent of the browser whose page gave describe()'s hello (its control
    /// connection's request), for the report's engine; "" when the IUT is not a page.
    virtual std::string user_agent() { return {}; }
};

/// The in-process reference implementation under `p`; its wss:// trusts
/// exactly `trusted_ca_pem` (the echo servers' CA), or the system store when empty.
std::unique_ptr<driver_factory> make_reference_factory(profile p, std::string trusted_ca_pem = {});

} // namespace sockconf::harness
