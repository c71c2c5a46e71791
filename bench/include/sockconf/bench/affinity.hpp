// Pinning processes to one CPU, so client and server each own a core and do
// not take turns on one (shared/reference/performance.md).
#pragma once

#include <sys/types.h>

#include <system_error>

namespace sockconf::bench {

/// Pin process `pid` (0: this one) to CPU `cpu`. Returns the error (e.g. the CPU
/// does not exist) instead of throwing: an unpinned run is still a run.
std::error_code pin_to_cpu(pid_t pid, int cpu) noexcept;

/// CPUs this process may run on.
int available_cpus() noexcept;

} // namespace sockconf::bench
