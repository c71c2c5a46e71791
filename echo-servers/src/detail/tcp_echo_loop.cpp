#include "tcp_echo_loop.hpp"

#include <sockconf/net/io_buffer.hpp>

#include <boost/asio/error.hpp>

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sockconf::echo::detail {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

class echo_connection;

/// Work for the loop's thread: take a connection over, or close one (shutdown()).
struct command {
    std::shared_ptr<echo_connection> conn;
    bool close = false;
};

// epoll_wait's batch: as epoll_echo's.
constexpr int max_events = 256;

error_code last_error() { return {errno, boost::system::system_category()}; }

} // namespace

struct tcp_echo_loop::state {
    explicit state(server_context c) : ctx(c) {}
    ~state()
    {
        if (ep >= 0)
            ::close(ep);
        if (wake >= 0)
            ::close(wake);
    }
    state(state const&) = delete;
    state& operator=(state const&) = delete;

    /// Queue `c` for the loop's thread (any thread); dropped once the loop has stopped.
    void post(command c);
    /// Wake the loop's thread to read `commands` and `stopped`.
    void wake_loop();
    /// The loop's thread.
    void run();

    server_context ctx;
    int ep = -1;   ///< the epoll set
    int wake = -1; ///< eventfd: commands are queued, or the loop is to stop
    std::thread thread;

    std::mutex mu; // guards the two below
    std::vector<command> commands;
    bool stopped = false;
};

namespace {

class echo_connection final : public session_base, public std::enable_shared_from_this<echo_connection> {
public:
    echo_connection(std::shared_ptr<tcp_echo_loop::state> loop, int fd)
        : loop_(std::move(loop)), ctx_(loop_->ctx), fd_(fd), buf_(std::max<std::size_t>(ctx_.opts.io_buffer_bytes, 1024))
    {
    }

    ~echo_connection() override
    {
        if (fd_ >= 0)
            ::close(fd_);
        ctx_.log.finish(id_, conn_end::server_closed); // normally finished already: a no-op then
        ctx_.registry.remove(this);
    }

    std::uint64_t open_record(accepted_from const& from, std::string tag)
    {
        return id_ = ctx_.log.add(tcp_wire_record(from, std::move(tag), tcp_behaviour_kind::echo));
    }

    void shutdown() override
    {
        closed_by_server_ = true; // an adopt still queued sees it
        loop_->post({shared_from_this(), true});
    }

    // The rest runs on the loop's thread only.

    bool ended() const { return fd_ < 0; }
    bool closed_by_server() const { return closed_by_server_; }

    /// Join the epoll set; false (the connection ended) when the kernel refuses.
    bool watch_first()
    {
        if (epoll_control(EPOLL_CTL_ADD, EPOLLIN))
            return true;
        end_with(last_error());
        return false;
    }

    /// One readiness event: write what waits for room, else (or then) read once and
    /// write it back. ended() says afterwards whether the connection is over.
    void serve()
    {
        error_code ec;
        if (unsent_begin_ < unsent_end_) {
            auto const sent = send_some(buf_.data() + unsent_begin_, unsent_end_ - unsent_begin_, ec);
            unsent_begin_ += sent;
            if (sent > 0)
                ctx_.log.update(id_, [sent](wire_record& r) { r.bytes_sent += sent; });
            if (ec)
                return end_with(ec);
            if (unsent_begin_ < unsent_end_)
                return;
            unsent_begin_ = unsent_end_ = 0;
            watch(EPOLLIN); // level triggered: reported again if the client sent more meanwhile
        }
        ssize_t got = 0;
        do
            got = ::recv(fd_, buf_.data(), buf_.size(), 0);
        while (got < 0 && errno == EINTR);
        if (got == 0)
            return end_with(asio::error::eof);
        if (got < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? void() : end_with(last_error());
        auto const n = static_cast<std::size_t>(got);
        auto const sent = send_some(buf_.data(), n, ec);
        count_tcp_read(ctx_.log, id_, buf_.data(), n, sent);
        if (ec)
            return end_with(ec);
        if (sent < n) {
            // No more reads until the rest is out: the back-pressure a client that
            // does not read gets, as from tcp_session.
            unsent_begin_ = sent;
            unsent_end_ = n;
            watch(EPOLLOUT);
        }
    }

    /// Record how it ended, leave the epoll set and close it.
    void end_with(error_code ec)
    {
        if (fd_ < 0)
            return;
        // Out of the set before the close: close() alone leaves the registration (and
        // its pointer to this object) behind while another descriptor shares the socket.
        ::epoll_ctl(loop_->ep, EPOLL_CTL_DEL, fd_, nullptr);
        auto ending = tcp_ending_of(ec, closed_by_server_ || ctx_.stopping.load());
        // The client's FIN: everything it sent has been echoed; finish our side too.
        if (ending.how == conn_end::client_closed)
            ::shutdown(fd_, SHUT_WR);
        ctx_.log.finish(id_, ending.how, std::move(ending.error));
        ::close(fd_);
        fd_ = -1;
    }

    void end_by_server()
    {
        closed_by_server_ = true;
        end_with(asio::error::operation_aborted);
    }

private:
    // Write until done or the socket is full; `ec` only for a real error.
    std::size_t send_some(char const* data, std::size_t n, error_code& ec)
    {
        std::size_t done = 0;
        while (done < n) {
            ssize_t const w = ::send(fd_, data + done, n - done, MSG_NOSIGNAL);
            if (w >= 0) {
                done += static_cast<std::size_t>(w);
                continue;
            }
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                ec = last_error();
            break;
        }
        return done;
    }

    // MOD fails only for a closed fd: never here.
    void watch(std::uint32_t events) { epoll_control(EPOLL_CTL_MOD, events); }

    bool epoll_control(int op, std::uint32_t events)
    {
        epoll_event e{};
        e.events = events;
        e.data.ptr = this;
        return ::epoll_ctl(loop_->ep, op, fd_, &e) == 0;
    }

    std::shared_ptr<tcp_echo_loop::state> loop_; // the loop outlives its connections' last calls
    server_context ctx_;
    int fd_;
    std::uint64_t id_ = 0;
    std::atomic<bool> closed_by_server_{false};
    std::size_t unsent_begin_ = 0; ///< buf_[unsent_begin_, unsent_end_) waits for room
    std::size_t unsent_end_ = 0;
    net::io_buffer buf_; ///< server_options::io_buffer_bytes, allocated once, not zeroed
};

} // namespace

void tcp_echo_loop::state::post(command c)
{
    {
        std::lock_guard lock(mu);
        if (stopped)
            return; // `c` lets its connection go: closed and recorded server_closed
        commands.push_back(std::move(c));
    }
    wake_loop();
}

void tcp_echo_loop::state::wake_loop()
{
    std::uint64_t const one = 1;
    [[maybe_unused]] auto const n = ::write(wake, &one, sizeof one); // fails only when the counter is full: awake anyway
}

void tcp_echo_loop::state::run()
{
    std::unordered_map<echo_connection*, std::shared_ptr<echo_connection>> live;
    // Connections that ended in this round, kept until its end: a later event of the
    // same round may still name one (it is then skipped as ended).
    std::vector<std::shared_ptr<echo_connection>> retired;
    auto retire = [&](echo_connection* c) {
        if (auto it = live.find(c); it != live.end()) {
            retired.push_back(std::move(it->second));
            live.erase(it);
        }
    };
    std::vector<command> taken;
    epoll_event events[max_events];
    for (bool stop = false; !stop;) {
        int const n = ::epoll_wait(ep, events, max_events, -1);
        if (n < 0 && errno != EINTR)
            break; // only for a bad epoll fd: end what is open, below
        for (int i = 0; i < n; ++i) {
            auto* const c = static_cast<echo_connection*>(events[i].data.ptr);
            if (c == nullptr) {
                std::uint64_t count = 0;
                [[maybe_unused]] auto const r = ::read(wake, &count, sizeof count);
                {
                    std::lock_guard lock(mu);
                    taken.swap(commands);
                    stop = stopped;
                }
                for (auto& cmd : taken) {
                    if (cmd.close) {
                        if (live.contains(cmd.conn.get())) {
                            cmd.conn->end_by_server();
                            retire(cmd.conn.get());
                        }
                    } else if (cmd.conn->closed_by_server()) {
                        cmd.conn->end_by_server(); // shutdown() came before the connection did
                    } else if (cmd.conn->watch_first()) {
                        auto* const raw = cmd.conn.get();
                        live.emplace(raw, std::move(cmd.conn));
                    }
                }
                taken.clear();
                continue;
            }
            if (c->ended())
                continue;
            c->serve();
            if (c->ended())
                retire(c);
        }
        retired.clear();
    }
    for (auto& [_, c] : live)
        c->end_by_server();
}

std::unique_ptr<tcp_echo_loop> tcp_echo_loop::make(server_context ctx, error_code& ec)
{
    ec = {};
    auto s = std::make_shared<state>(ctx);
    s->ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (s->ep < 0)
        return ec = last_error(), nullptr;
    s->wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (s->wake < 0)
        return ec = last_error(), nullptr;
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.ptr = nullptr; // the wake-up, told from the connections by its null
    if (::epoll_ctl(s->ep, EPOLL_CTL_ADD, s->wake, &e) != 0)
        return ec = last_error(), nullptr;
    try {
        s->thread = std::thread([raw = s.get()] { raw->run(); });
    } catch (std::system_error const& e) {
        ec = error_code(e.code().value(), boost::system::generic_category());
        return nullptr;
    }
    return std::unique_ptr<tcp_echo_loop>(new tcp_echo_loop(std::move(s)));
}

tcp_echo_loop::~tcp_echo_loop()
{
    {
        std::lock_guard lock(state_->mu);
        state_->stopped = true;
    }
    state_->wake_loop();
    if (state_->thread.joinable())
        state_->thread.join();
    // Commands the loop did not take: their connections close as they go.
    std::vector<command> left;
    {
        std::lock_guard lock(state_->mu);
        left.swap(state_->commands);
    }
}

void tcp_echo_loop::adopt(asio::ip::tcp::socket socket, accepted_from const& from, std::string tag)
{
    error_code ec;
    int const fd = socket.release(ec); // leaves Asio's reactor; Linux always lets go
    if (ec)
        return start_tcp_session(state_->ctx, std::move(socket), from, std::move(tag), tcp_behaviour{});
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    auto c = std::make_shared<echo_connection>(state_, fd);
    if (!state_->ctx.registry.add(c, [&] { return c->open_record(from, std::move(tag)); }))
        return; // stop() is under way; the socket closes with `c`
    state_->post({std::move(c), false});
}

} // namespace sockconf::echo::detail
