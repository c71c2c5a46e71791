// TCPSocket: one TCP connection made by wx.createTCPSocket.
//
// Events (each to every listener registered for it, in registration order):
//   onConnect({})                 the connection is established
//   onMessage({message, remoteInfo:{address,family,port,size}, localInfo:{address,family,port}})
//                                 message is an ArrayBuffer
//   onError({errMsg, errCode})    errCode per the documented table; for -2 errMsg
//                                 carries the errno ("... errno:111 errmsg:Connection refused")
//   onClose({})                   once, when the socket is fully closed
// off*(l) removes every registration of the same function object l;
// off*() with no listener (nullptr) removes all listeners of that event.
#pragma once

#include <sockconf/ref/js.hpp>

namespace sockconf::ref {

enum class tcp_event { connect, message, error, close, bind_wifi };

class tcp_socket {
public:
    virtual ~tcp_socket() = default;

    /// connect({address, port, timeout? (seconds; profile default)}).
    virtual void connect(json const& options) = 0;
    /// write(string | ArrayBuffer); a string is sent as UTF-8.
    virtual void write(json const& data) = 0;
    virtual void close() = 0;
    virtual void bind_wifi(json const& options) = 0;

    virtual void on(tcp_event e, listener l) = 0;
    /// nullptr: remove all listeners of `e`.
    virtual void off(tcp_event e, listener const& l) = 0;

    virtual tcp_state state() const noexcept = 0;
};

} // namespace sockconf::ref
