// idle_connections: `concurrency` coroutines take the next connection to open until all are.
#include <sockconf/bench/idle_connections.hpp>

#include "detail/upgrade.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <exception>
#include <vector>

namespace sockconf::bench {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct idle_connections::impl {
    asio::io_context io;
    std::vector<tcp::socket> socks;
    std::size_t next = 0, opened = 0;
    std::string error;

    asio::awaitable<void> worker(load_target const& t, std::chrono::milliseconds per)
    {
        while (next < socks.size()) {
            auto& s = socks[next++];
            if (auto e = co_await detail::captured(detail::connect_and_upgrade(s, t, per))) {
                if (error.empty())
                    error = detail::what_of(e);
                boost::system::error_code ignored;
                s.close(ignored);
                continue;
            }
            ++opened;
        }
    }
};

idle_connections::idle_connections(load_target const& target, std::size_t count, std::chrono::milliseconds timeout,
                                   std::size_t concurrency)
    : impl_(std::make_unique<impl>())
{
    auto& m = *impl_;
    m.socks.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        m.socks.emplace_back(m.io);
    for (std::size_t k = 0; k < std::max<std::size_t>(1, std::min(concurrency, count)); ++k)
        asio::co_spawn(m.io, m.worker(target, timeout), asio::detached);
    m.io.run_for(timeout); // each handshake has the whole timeout too, so this bounds them all
    if (m.opened < count && m.error.empty())
        m.error = "only " + std::to_string(m.opened) + " of " + std::to_string(count) + " connections opened within " +
                  std::to_string(timeout.count()) + " ms";
}

idle_connections::~idle_connections() = default;

std::size_t idle_connections::opened() const noexcept { return impl_->opened; }
std::string const& idle_connections::error() const noexcept { return impl_->error; }

} // namespace sockconf::bench
