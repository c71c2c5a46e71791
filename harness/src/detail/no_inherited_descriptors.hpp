// Boost.Process initializer: the child keeps its standard streams and nothing else of
// the harness's. Why: a fork copies every descriptor, and Asio opens its sockets without
// O_CLOEXEC, so an IUT (or the browser launcher) would hold copies of the echo servers'
// listeners and connections, and of other IUTs' pipes, for its whole life. A socket the
// servers closed would then stay open there: its FIN or RST unsent, a closed listener
// still queueing connects that should be refused, another IUT never seeing its stdin's EOF.
// (Boost 1.81's bp::limit_handles would do this, but it closes a redirected stdout:
// pipe_out names no handles for it to keep.)
#pragma once

#include <boost/process/extend.hpp>

#include <unistd.h>

namespace sockconf::harness::detail {

/// Pass it after the stream redirections: it runs in the child after they are in place.
struct no_inherited_descriptors : boost::process::extend::handler {
    template <class Executor>
    void on_exec_setup(Executor& e) const
    {
        // Keep only the executor's own pipe (close-on-exec): it reports a failed exec.
        int keep = -1;
        for (int fd : e.get_used_handles())
            keep = fd;
        if (keep > 3)
            ::close_range(3, static_cast<unsigned>(keep - 1), 0);
        ::close_range(static_cast<unsigned>(keep < 3 ? 3 : keep + 1), ~0u, 0);
    }
};

} // namespace sockconf::harness::detail
