// SocketTask: one WebSocket connection made by wx.connectSocket.
//
// Lifecycle CONNECTING -> OPEN -> CLOSING -> CLOSED (or CONNECTING -> CLOSED).
// Events, each delivered to every listener registered for it, in order:
//   onOpen({header})        once, when the handshake succeeded; header = response headers
//   onMessage({data})       data is a string for a text frame, an ArrayBuffer for binary
//   onError({errMsg})       a failed handshake or a broken connection
//   onClose({code, reason}) once, last; nothing is delivered after it
// send() reports as "sendSocketMessage", close() as "closeSocket".
#pragma once

#include <sockconf/ref/js.hpp>

#include <cstdint>
#include <memory>

namespace sockconf::ref {

class socket_task {
public:
    virtual ~socket_task() = default;

    /// send({data: string | ArrayBuffer}). Fails with
    /// "sendSocketMessage:fail WebSocket is not connected" unless OPEN.
    virtual void send(json const& options, callbacks cb) = 0;
    /// close({code?, reason?}). Code defaults to the profile's close_default_code;
    /// a code other than 1000 or 3000-4999, or a reason over the profile's
    /// close_reason_max_bytes UTF-8 bytes, fails and leaves the socket as it was.
    virtual void close(json const& options, callbacks cb) = 0;

    virtual void on_open(listener l) = 0;
    virtual void on_message(listener l) = 0;
    virtual void on_error(listener l) = 0;
    virtual void on_close(listener l) = 0;

    virtual ready_state state() const noexcept = 0;
    virtual std::uint64_t id() const noexcept = 0; ///< socketTaskId, unique per runtime
};

} // namespace sockconf::ref
