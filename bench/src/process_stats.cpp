// read_process_stat and descendants_cpu_seconds: /proc/PID/stat, fields 4, 14-17 and 24.
#include <sockconf/bench/process_stats.hpp>

#include <algorithm>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>

namespace sockconf::bench {

std::optional<process_stat> read_process_stat(pid_t pid)
{
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(f, stat))
        return std::nullopt;
    auto const close = stat.rfind(')'); // the name may hold spaces and parentheses
    if (close == std::string::npos || close + 2 > stat.size())
        return std::nullopt;
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    process_stat out;
    double ticks = 0;
    for (int i = 3; i <= 24 && rest >> field; ++i) {
        char* end = nullptr;
        auto const v = std::strtod(field.c_str(), &end);
        if (i == 4)
            out.ppid = static_cast<pid_t>(v);
        else if (i >= 14 && i <= 17)
            ticks += v;
        else if (i == 24) // in pages
            out.rss_bytes = static_cast<std::uint64_t>(v) * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    }
    out.cpu_seconds = ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
    return out;
}

double descendants_cpu_seconds(pid_t root, std::vector<pid_t> const& exclude)
{
    std::multimap<pid_t, std::pair<pid_t, double>> children; // ppid -> (pid, cpu)
    if (auto* d = ::opendir("/proc")) {
        while (auto* e = ::readdir(d)) {
            char* end = nullptr;
            auto const pid = static_cast<pid_t>(std::strtol(e->d_name, &end, 10));
            if (pid <= 0 || *end != '\0')
                continue;
            if (auto const s = read_process_stat(pid))
                children.emplace(s->ppid, std::pair{pid, s->cpu_seconds});
        }
        ::closedir(d);
    }
    double total = 0;
    std::vector<pid_t> todo{root};
    while (!todo.empty()) {
        auto const parent = todo.back();
        todo.pop_back();
        auto const [from, to] = children.equal_range(parent);
        for (auto it = from; it != to; ++it) {
            auto const [pid, cpu] = it->second;
            if (std::find(exclude.begin(), exclude.end(), pid) != exclude.end())
                continue;
            total += cpu;
            todo.push_back(pid);
        }
    }
    return total;
}

} // namespace sockconf::bench
