// epoll_echo: the TCP limit the echo servers are compared with. One thread, raw
// epoll (level triggered by default, --edge for edge triggered), one big buffer
// per connection, read then write back what was read. No Asio, no allocation
// per read: what a socket on this machine can do with the least work.
//
// Prints one JSON line {"tcp": {"host": H, "port": P}} once listening, then
// serves until SIGTERM/SIGINT or --max-seconds (default 600).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

struct options {
    std::string host = "127.0.0.1";
    unsigned port = 0;
    unsigned max_seconds = 600;
    std::size_t buffer_bytes = 256 * 1024;
    bool edge = false;
};

[[noreturn]] void die(char const* what)
{
    std::fprintf(stderr, "epoll_echo: %s: %s\n", what, std::strerror(errno));
    std::exit(3);
}

[[noreturn]] void usage()
{
    std::fprintf(stderr, "usage: epoll_echo [--host 127.0.0.1] [--port 0] [--max-seconds 600] "
                         "[--buffer-bytes 262144] [--edge]\n");
    std::exit(2);
}

options parse(int argc, char** argv)
{
    options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view const a = argv[i];
        auto value = [&]() -> char const* {
            if (i + 1 >= argc)
                usage();
            return argv[++i];
        };
        if (a == "--host")
            o.host = value();
        else if (a == "--port")
            o.port = static_cast<unsigned>(std::strtoul(value(), nullptr, 10));
        else if (a == "--max-seconds")
            o.max_seconds = static_cast<unsigned>(std::strtoul(value(), nullptr, 10));
        else if (a == "--buffer-bytes")
            o.buffer_bytes = std::strtoull(value(), nullptr, 10);
        else if (a == "--edge")
            o.edge = true;
        else
            usage();
    }
    if (o.port > 65535 || o.buffer_bytes == 0 || o.max_seconds == 0)
        usage();
    return o;
}

struct connection {
    int fd = -1;
    std::unique_ptr<char[]> buf;
    std::size_t pending_off = 0; ///< unwritten bytes are buf[pending_off, pending_end)
    std::size_t pending_end = 0;
};

class server {
public:
    explicit server(options o) : o_(std::move(o)) {}

    void run()
    {
        ep_ = epoll_create1(EPOLL_CLOEXEC);
        if (ep_ < 0)
            die("epoll_create1");
        listen_socket();
        stop_sources();
        std::printf("{\"tcp\": {\"host\": \"%s\", \"port\": %u}}\n", o_.host.c_str(), port_);
        std::fflush(stdout);

        std::vector<epoll_event> events(256);
        while (!stop_) {
            int const n = epoll_wait(ep_, events.data(), static_cast<int>(events.size()), -1);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                die("epoll_wait");
            }
            for (int i = 0; i < n; ++i)
                dispatch(events[i]);
        }
        for (auto& [fd, c] : conns_)
            close(fd);
    }

private:
    void listen_socket()
    {
        lfd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (lfd_ < 0)
            die("socket");
        int one = 1;
        setsockopt(lfd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(o_.port));
        if (inet_pton(AF_INET, o_.host.c_str(), &a.sin_addr) != 1) {
            std::fprintf(stderr, "epoll_echo: --host must be an IPv4 address\n");
            std::exit(2);
        }
        if (bind(lfd_, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
            die("bind");
        if (listen(lfd_, 1024) < 0)
            die("listen");
        socklen_t len = sizeof a;
        getsockname(lfd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        add(lfd_, EPOLLIN);
    }

    // SIGTERM/SIGINT through a signalfd and the time bound through a timerfd:
    // both wake epoll_wait, so the loop needs no timeout of its own.
    void stop_sources()
    {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigprocmask(SIG_BLOCK, &set, nullptr);
        sfd_ = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
        if (sfd_ < 0)
            die("signalfd");
        add(sfd_, EPOLLIN);
        tfd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (tfd_ < 0)
            die("timerfd_create");
        itimerspec t{};
        t.it_value.tv_sec = o_.max_seconds;
        timerfd_settime(tfd_, 0, &t, nullptr);
        add(tfd_, EPOLLIN);
    }

    void add(int fd, std::uint32_t events)
    {
        epoll_event e{};
        e.events = events;
        e.data.fd = fd;
        if (epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &e) < 0)
            die("epoll_ctl add");
    }

    void modify(int fd, std::uint32_t events)
    {
        epoll_event e{};
        e.events = events;
        e.data.fd = fd;
        epoll_ctl(ep_, EPOLL_CTL_MOD, fd, &e);
    }

    std::uint32_t trigger() const { return o_.edge ? EPOLLET : 0u; }

    void dispatch(epoll_event const& e)
    {
        int const fd = e.data.fd;
        if (fd == sfd_ || fd == tfd_) {
            stop_ = true;
            return;
        }
        if (fd == lfd_)
            return accept_all();
        auto it = conns_.find(fd);
        if (it == conns_.end())
            return;
        if (!serve(it->second))
            drop(it);
    }

    void accept_all()
    {
        for (;;) {
            int const fd = accept4(lfd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
                return; // EAGAIN, or a connection that died in the queue
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            connection c;
            c.fd = fd;
            c.buf = std::make_unique<char[]>(o_.buffer_bytes);
            conns_.emplace(fd, std::move(c));
            add(fd, EPOLLIN | EPOLLRDHUP | trigger());
        }
    }

    // Write what is pending; true when all of it went out.
    bool flush(connection& c, bool& alive)
    {
        while (c.pending_off < c.pending_end) {
            ssize_t const w = send(c.fd, c.buf.get() + c.pending_off, c.pending_end - c.pending_off, MSG_NOSIGNAL);
            if (w < 0) {
                if (errno == EAGAIN)
                    return false;
                if (errno == EINTR)
                    continue;
                alive = false;
                return false;
            }
            c.pending_off += static_cast<std::size_t>(w);
        }
        c.pending_off = c.pending_end = 0;
        return true;
    }

    // Serve one readiness event; false when the connection is over.
    bool serve(connection& c)
    {
        bool alive = true;
        if (c.pending_end != 0) {
            // Waiting for room to write: reads stay off until the backlog is out,
            // which is the back-pressure a blocked client gets.
            if (!flush(c, alive))
                return alive;
            modify(c.fd, EPOLLIN | EPOLLRDHUP | trigger());
        }
        // Level triggered: one read per event is enough (epoll reports again).
        // Edge triggered: until EAGAIN.
        for (;;) {
            ssize_t const r = recv(c.fd, c.buf.get(), o_.buffer_bytes, 0);
            if (r == 0)
                return false;
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                return errno == EAGAIN;
            }
            c.pending_off = 0;
            c.pending_end = static_cast<std::size_t>(r);
            if (!flush(c, alive)) {
                if (alive)
                    modify(c.fd, EPOLLOUT | EPOLLRDHUP | trigger());
                return alive;
            }
            if (!o_.edge)
                return true;
        }
    }

    void drop(std::unordered_map<int, connection>::iterator it)
    {
        close(it->first); // also removes it from the epoll set
        conns_.erase(it);
    }

    options o_;
    int ep_ = -1, lfd_ = -1, sfd_ = -1, tfd_ = -1;
    unsigned port_ = 0;
    bool stop_ = false;
    std::unordered_map<int, connection> conns_;
};

} // namespace

int main(int argc, char** argv)
{
    server(parse(argc, argv)).run();
    return 0;
}
