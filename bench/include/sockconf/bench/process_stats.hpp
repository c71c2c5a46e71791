// CPU time and memory of processes, from /proc/PID/stat: one process (a server under
// measurement), or the CPU of every process below this one (an IUT the harness started:
// the Node runner, or a browser launcher with all of Chromium's processes), so that a
// benchmark can give the CPU an IUT spent whatever runs it.
#pragma once

#include <cstdint>
#include <optional>
#include <sys/types.h>
#include <vector>

namespace sockconf::bench {

struct process_stat {
    pid_t ppid = 0;
    /// utime + stime + cutime + cstime: the process's own CPU and that of its children
    /// that have ended and been waited for, in seconds.
    double cpu_seconds = 0;
    std::uint64_t rss_bytes = 0; ///< resident set size now
};

/// `pid`'s entry of /proc; nullopt when it cannot be read (gone, or not Linux).
std::optional<process_stat> read_process_stat(pid_t pid);

/// CPU seconds so far of every live descendant of `root` (not `root` itself), leaving out
/// `exclude` and their descendants (the servers a benchmark measures on their own). A
/// descendant that ended and was waited for counts in its parent's; one that ended and was
/// not is lost.
double descendants_cpu_seconds(pid_t root, std::vector<pid_t> const& exclude);

} // namespace sockconf::bench
