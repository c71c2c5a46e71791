#include "context.hpp"

#include <array>
#include <charconv>
#include <vector>

namespace sockconf::echo::detail {

void session_registry::remove(session_base const* s) noexcept
{
    {
        std::lock_guard lock(mu_);
        live_.erase(s);
    }
    cv_.notify_all();
}

void session_registry::close_all()
{
    std::vector<std::shared_ptr<session_base>> live;
    {
        std::lock_guard lock(mu_);
        closed_ = true;
        for (auto const& [_, e] : live_)
            if (auto s = e.session.lock())
                live.push_back(std::move(s));
    }
    // Outside the lock: a session may finish (and remove itself) meanwhile.
    for (auto const& s : live)
        s->shutdown();
}

std::size_t session_registry::size() const
{
    std::lock_guard lock(mu_);
    return live_.size();
}

bool session_registry::wait_empty(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return live_.empty(); });
}

namespace {
// An IPv4 address as Asio writes it (dotted decimal). Asio's to_string goes
// through inet_ntop and sprintf: a few per cent of a handshake's user time.
std::string address_text(boost::asio::ip::address const& a)
{
    if (!a.is_v4())
        return a.to_string();
    auto const bytes = a.to_v4().to_bytes();
    std::array<char, 16> text{};
    char* at = text.data();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i != 0)
            *at++ = '.';
        at = std::to_chars(at, text.data() + text.size(), bytes[i]).ptr;
    }
    return std::string(text.data(), at);
}
} // namespace

void fill_endpoints(accepted_from const& from, wire_record& r)
{
    r.remote_address = address_text(from.remote.address());
    r.remote_port = from.remote.port();
    r.local_port = from.local_port;
}

} // namespace sockconf::echo::detail
