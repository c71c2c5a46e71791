// The completion condition of every batch write (the echo servers', the TLS
// stream's). Asio's write and async_write with transfer_all (their default)
// hand the kernel at most 64 KiB per system call (default_max_transfer_size),
// so a 256 KiB echo batch would cost four sends where one does. This one lets
// each call take all that is left.
#pragma once

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <limits>

namespace sockconf::net {

struct transfer_whole {
    std::size_t operator()(boost::system::error_code const& ec, std::size_t) const noexcept
    {
        return ec ? 0 : std::numeric_limits<std::size_t>::max();
    }
};

} // namespace sockconf::net
