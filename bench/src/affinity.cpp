#include <sockconf/bench/affinity.hpp>

#include <sched.h>

#include <cerrno>

namespace sockconf::bench {

std::error_code pin_to_cpu(pid_t pid, int cpu) noexcept
{
    if (cpu < 0 || cpu >= CPU_SETSIZE)
        return std::make_error_code(std::errc::invalid_argument);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (::sched_setaffinity(pid, sizeof set, &set) != 0)
        return {errno, std::generic_category()};
    return {};
}

int available_cpus() noexcept
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) != 0)
        return 1;
    return CPU_COUNT(&set);
}

} // namespace sockconf::bench
