#pragma once
// ${tcp.closed_port} of a case (case_runner.cpp).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace sockconf::harness::detail {

/// A loopback port where nothing listens, for as long as this lives. Its socket stays
/// bound and never listens, so a SYN to it is refused, and neither a listener nor the
/// kernel's pick of a source port (a connect to itself) can take it meanwhile. A port
/// bound and closed at once was free for anything: under a loaded parallel run,
/// tcp.errors.connect-refused saw its connect to that port succeed, and failed the IUT
/// for it. port() is 0 when no port could be bound.
class closed_port {
public:
    closed_port() : fd_(::socket(AF_INET, SOCK_STREAM, 0))
    {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0)
            port_ = ntohs(a.sin_port);
    }
    closed_port(closed_port const&) = delete;
    closed_port& operator=(closed_port const&) = delete;
    ~closed_port()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    std::uint16_t port() const { return port_; }

private:
    int fd_;
    std::uint16_t port_ = 0;
};

} // namespace sockconf::harness::detail
