// The WebSocket sessions' one translation unit: ws_session.hpp and its parts
// (ws_handshake.hpp, ws_behaviours.hpp, frame_loop.hpp) instantiated for ws://
// and wss://, and the entry points context.hpp declares.
#include "ws_session.hpp"

namespace sockconf::echo::detail {

void start_ws_session(server_context ctx, asio::ip::tcp::socket socket, accepted_from const& from)
{
    auto s = std::make_shared<ws_session<beast::tcp_stream>>(ctx, std::move(socket));
    if (!ctx.registry.add(s, [&] { return s->open_record(from); }))
        return; // stop() is under way; the socket closes with `s`
    s->run();
}

void start_wss_session(server_context ctx, asio::ip::tcp::socket socket, accepted_from const& from,
                       asio::ssl::context& tls)
{
    auto s = std::make_shared<ws_session<tls_stream>>(ctx, std::move(socket), tls);
    if (!ctx.registry.add(s, [&] { return s->open_record(from); }))
        return;
    s->run();
}

} // namespace sockconf::echo::detail
