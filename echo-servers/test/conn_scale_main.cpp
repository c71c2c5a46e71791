// echo_conn_scale: what N concurrent WebSocket connections cost the echo servers
// (issue 15: "10,000 concurrent connections: report RSS per connection").
//
// The servers run in a child process (forked before any thread exists) so that its
// VmRSS is theirs alone; this process opens N ws:// connections with raw sockets
// (connect, the HTTP upgrade written by hand, the 101 read), keeps them all open,
// checks that the last one still echoes, and prints the child's RSS before, with
// the N connections open, and after they are closed. Every step is bounded
// (socket timeouts, --max-seconds); exit 0 when every connection was upgraded.
//
//   echo_conn_scale [--connections N] [--io-buffer-bytes B] [--max-seconds S]
#include <sockconf/echo/servers.hpp>

#include "raw_peer.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using sockconf::echo::test::connect_loopback;
using sockconf::echo::test::send_all;

using clock_type = std::chrono::steady_clock;

std::size_t rss_kib(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    while (in >> key) {
        if (key == "VmRSS:") {
            std::size_t kib = 0;
            in >> kib;
            return kib;
        }
        in.ignore(1 << 16, '\n');
    }
    return 0;
}

// The child: start the servers, announce the port on `out`, serve until `in`
// ends (the parent closed it or died).
[[noreturn]] void serve(int in, int out, std::size_t io_buffer_bytes)
{
    sockconf::echo::server_options o;
    o.tls = false;
    if (io_buffer_bytes != 0)
        o.io_buffer_bytes = io_buffer_bytes;
    sockconf::echo::servers s(o);
    s.start();
    std::uint16_t const port = s.ws_port();
    if (::write(out, &port, sizeof port) != sizeof port)
        _exit(1);
    char c;
    while (::read(in, &c, 1) > 0) {
    }
    s.stop();
    _exit(0);
}

// Reads the HTTP answer (the server sends nothing after the 101 unasked).
bool read_101(int fd)
{
    std::string in;
    char buf[1024];
    while (in.find("\r\n\r\n") == std::string::npos) {
        auto const n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            return false;
        in.append(buf, static_cast<std::size_t>(n));
    }
    return in.rfind("HTTP/1.1 101 ", 0) == 0;
}

// One masked text frame "ping" and its echo.
bool echoes(int fd)
{
    std::string const f = {'\x81', '\x84', 0, 0, 0, 0, 'p', 'i', 'n', 'g'}; // mask key 0
    if (!send_all(fd, f))
        return false;
    char buf[16];
    std::size_t got = 0;
    while (got < 6) {
        auto const n = ::recv(fd, buf + got, sizeof buf - got, 0);
        if (n <= 0)
            return false;
        got += static_cast<std::size_t>(n);
    }
    return std::string(buf, 6) == std::string("\x81\x04ping", 6);
}

} // namespace

int main(int argc, char** argv)
{
    std::size_t connections = 10000, io_buffer = 0;
    int max_seconds = 120;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string const a = argv[i];
        if (a == "--connections")
            connections = std::strtoull(argv[i + 1], nullptr, 10);
        else if (a == "--io-buffer-bytes")
            io_buffer = std::strtoull(argv[i + 1], nullptr, 10);
        else if (a == "--max-seconds")
            max_seconds = std::atoi(argv[i + 1]);
        else {
            std::fprintf(stderr, "usage: %s [--connections N] [--io-buffer-bytes B] [--max-seconds S]\n", argv[0]);
            return 2;
        }
    }
    rlimit nofile{};
    ::getrlimit(RLIMIT_NOFILE, &nofile);
    if (nofile.rlim_cur < connections + 64) {
        // Each process (this client, the servers' child) holds a descriptor per connection.
        std::fprintf(stderr, "RLIMIT_NOFILE %llu is too low for %zu connections (raise ulimit -n)\n",
                     static_cast<unsigned long long>(nofile.rlim_cur), connections);
        return 2;
    }

    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0)
        return 1;
    pid_t const child = ::fork();
    if (child == 0) {
        ::close(to_child[1]);
        ::close(from_child[0]);
        serve(to_child[0], from_child[1], io_buffer);
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    auto const stop_child = [&] {
        ::close(to_child[1]); // the child's read ends: it stops and exits
        for (int i = 0; i < 100; ++i) {
            if (::waitpid(child, nullptr, WNOHANG) == child)
                return;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
    };

    std::uint16_t port = 0;
    pollfd p{from_child[0], POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0 || ::read(from_child[0], &port, sizeof port) != sizeof port) {
        std::fprintf(stderr, "the servers did not start\n");
        stop_child();
        return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::size_t const rss0 = rss_kib(child);

    std::string const request = "GET /echo?tag=scale HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    auto const t0 = clock_type::now();
    auto const deadline = t0 + std::chrono::seconds(max_seconds);
    std::vector<int> fds;
    fds.reserve(connections);
    std::size_t upgraded = 0;
    // In batches below the listen backlog: connect and send each request, then read the answers.
    constexpr std::size_t batch = 500;
    while (fds.size() < connections && clock_type::now() < deadline) {
        std::size_t const first = fds.size();
        std::size_t const n = std::min(batch, connections - first);
        for (std::size_t i = 0; i < n; ++i) {
            int const fd = connect_loopback(port, 5);
            if (fd < 0 || !send_all(fd, request)) {
                std::fprintf(stderr, "connection %zu: %s\n", first + i, std::strerror(errno));
                if (fd >= 0)
                    ::close(fd);
                break;
            }
            fds.push_back(fd);
        }
        for (std::size_t i = first; i < fds.size(); ++i)
            upgraded += read_101(fds[i]) ? 1 : 0;
        if (fds.size() < first + n)
            break;
    }
    double const secs = std::chrono::duration<double>(clock_type::now() - t0).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // let the server settle
    std::size_t const rss1 = rss_kib(child);
    bool const last_echoes = !fds.empty() && echoes(fds.back());

    for (int fd : fds)
        ::close(fd);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    std::size_t const rss2 = rss_kib(child);
    stop_child();

    double const per_conn = upgraded ? static_cast<double>(rss1 - std::min(rss0, rss1)) / upgraded : 0.0;
    std::printf("echo servers (ws://, io_buffer_bytes %zu): %zu of %zu connections upgraded in %.2f s; "
                "last one echoes: %s\n",
                io_buffer ? io_buffer : sockconf::echo::server_options{}.io_buffer_bytes, upgraded, connections,
                secs, last_echoes ? "yes" : "NO");
    std::printf("server RSS: %.1f MiB before, %.1f MiB with %zu open (%.1f KiB per connection), %.1f MiB after "
                "closing them\n",
                rss0 / 1024.0, rss1 / 1024.0, upgraded, per_conn, rss2 / 1024.0);
    return upgraded == connections && last_echoes ? 0 : 1;
}
