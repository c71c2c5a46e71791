#include "listener.hpp"

#include <boost/asio/ip/address.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

namespace sockconf::echo::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

// Connect one socket of our own to a black hole so its (zero-length) accept
// queue is full. The connect may complete or stay pending (without SYN
// cookies Linux drops even this SYN); either way later SYNs are dropped.
// Only an outright failure (e.g. refused) is an error. A loopback connect
// completes at once when it completes at all, so `wait_ms` only bounds the wait.
error_code fill_accept_queue(listener& l, int wait_ms)
{
    error_code ec;
    auto const target = l.acceptor.local_endpoint(ec);
    if (ec)
        return ec;
    tcp::socket filler(l.acceptor.get_executor());
    if (filler.open(target.protocol(), ec); ec)
        return ec;
    if (filler.non_blocking(true, ec); ec)
        return ec;
    filler.connect(target, ec);
    if (ec == asio::error::in_progress || ec == asio::error::would_block) {
        ec = {};
        pollfd p{filler.native_handle(), POLLOUT, 0};
        if (::poll(&p, 1, wait_ms) > 0) {
            int err = 0;
            socklen_t len = sizeof err;
            if (::getsockopt(filler.native_handle(), SOL_SOCKET, SO_ERROR, &err, &len) != 0)
                err = errno;
            ec.assign(err, boost::system::system_category());
        }
    }
    if (!ec)
        l.fillers.push_back(std::move(filler));
    return ec;
}

} // namespace

bool listener::accepts() const noexcept
{
    return !(kind == listener_kind::tcp &&
             (behaviour.kind == tcp_behaviour_kind::black_hole || behaviour.kind == tcp_behaviour_kind::refuse));
}

void listener::close()
{
    error_code ignored;
    acceptor.close(ignored);
    for (auto& f : fillers)
        f.close(ignored);
}

std::shared_ptr<listener> open_listener(asio::any_io_executor executor, std::string const& host, std::uint16_t port,
                                        listener_kind kind, std::string tag, tcp_behaviour behaviour,
                                        int filler_wait_ms, error_code& ec, std::string& what)
{
    auto const address = asio::ip::make_address(host, ec);
    if (ec) {
        what = "echo servers: bad host '" + host + "'";
        return nullptr;
    }
    auto l = std::make_shared<listener>(listener{tcp::acceptor(executor), kind, std::move(tag), behaviour, {}});
    tcp::endpoint const ep(address, port);
    auto const where = " " + host + ":" + std::to_string(port);
    if (l->acceptor.open(ep.protocol(), ec); ec) {
        what = "echo servers: open" + where;
        return nullptr;
    }
    bool const refuse = kind == listener_kind::tcp && behaviour.kind == tcp_behaviour_kind::refuse;
    // Two listeners on one port still fail on Linux with SO_REUSEADDR. Not for a
    // port that refuses: it never listens, and Linux lets two SO_REUSEADDR sockets
    // bind one port while neither listens, so another server could take it.
    if (!refuse)
        l->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (l->acceptor.bind(ep, ec); ec) {
        what = "echo servers: bind" + where;
        return nullptr;
    }
    if (refuse)
        return l;
    l->acceptor.set_option(tcp::no_delay(true), ec);
    ec = {};
    l->port = l->acceptor.local_endpoint(ec).port();
    ec = {};
    bool const hole = kind == listener_kind::tcp && behaviour.kind == tcp_behaviour_kind::black_hole;
    // A black hole listens with backlog 0 and never accepts: once its accept
    // queue holds one connection (our own filler), Linux drops further SYNs.
    if (l->acceptor.listen(hole ? 0 : asio::socket_base::max_listen_connections, ec); ec) {
        what = "echo servers: listen" + where;
        return nullptr;
    }
    if (hole && (ec = fill_accept_queue(*l, filler_wait_ms))) {
        what = "echo servers: black hole filler" + where;
        return nullptr;
    }
    return l;
}

} // namespace sockconf::echo::detail
