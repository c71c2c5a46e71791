// The reference behind sockconf's command vocabulary: turns driver commands
// (JSON, values in wire form) into calls on a runtime, and every call of a
// harness-named function into an event. The in-process driver uses it directly;
// the stdio adapter (adapters/) puts it behind the adapter protocol.
//
// Commands:
//   {"op":"call", "fn":"wx.connectSocket" | "wx.createTCPSocket", "args":[...], "as":"NAME"?}
//   {"op":"call", "this":{"$handle":"H"} | {"$ref":"NAME"}, "fn":"<method>", "args":[...]}
//   {"op":"get",  "this":{"$handle":"H"} | {"$ref":"NAME"}, "prop":"<property>"}
//   {"op":"batch", "commands":[<command>, ...]}
//   {"op":"clock", "advance_ms":N}    move the runtime's virtual clock N ms ahead
//                                     (capability "virtual-clock"; replies null)
// "as" keeps an object result under NAME, for {"$ref":"NAME"} in later
// commands. A batch runs its commands as one synchronous block of JS (one turn
// of the event loop: no callback or event can run between them) and answers
// {"ok":true,"value":[<reply>, ...]}, one reply per command, in order.
// In args, {"$fn":"NAME"} is a function the harness named: the same NAME is
// the same function object (so off*(NAME) removes what on*(NAME) added), and a
// call of it by the runtime is emitted as
//   {"op":"invoke", "fn":"NAME", "args":[<value>], "sync":<bool>}
// where sync is true when the call happened inside execute() (a JS-semantics
// violation the harness reports). {"$arraybuffer":"<base64>"} is an ArrayBuffer.
//
// Replies:
//   {"ok":true,  "value":<wire value>}     objects as {"$handle":"H","class":"SocketTask"|"TCPSocket"};
//                                          a `get` of a method: {"$typeof":"function"}, of an
//                                          unknown property: {"$typeof":"undefined"}
//   {"ok":false, "thrown":{"name":"Error"|"TypeError","message":"..."}}   the call threw (JS
//                                          semantics; calling an unknown function or method is a TypeError)
//   {"ok":false, "error":"..."}            the command itself is bad (unknown handle, op, malformed)
#pragma once

#include <sockconf/common/value.hpp>

#include <functional>
#include <memory>

namespace sockconf::ref {

class runtime;

class binding {
public:
    using emit_fn = std::function<void(json const& event)>;

    /// `emit` is called on the runtime's loop thread.
    binding(runtime& rt, emit_fn emit);
    ~binding();

    /// Execute one command. Loop thread only.
    json execute(json const& command);

    /// {"name","version","profile","capabilities":["websocket","tcp",...]}
    json hello() const;

private:
    json execute_one(json const& command);

    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace sockconf::ref
