#include <sockconf/reports/json_writer.hpp>
#include <sockconf/reports/junit_writer.hpp>
#include <sockconf/reports/markdown_writer.hpp>
#include <sockconf/reports/report_dir.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>

namespace sockconf::reports {

std::vector<std::string> write_report_dir(run_report const& r, std::string const& dir)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw std::runtime_error("cannot create report directory " + dir + ": " + ec.message());

    std::vector<std::string> written;
    auto write = [&](std::string const& name, std::function<void(std::ostream&)> const& fn) {
        auto const path = (fs::path(dir) / name).string();
        // Write to a temporary name first: an interrupted write never leaves half a report.
        auto const tmp = path + ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            if (!out)
                throw std::runtime_error("cannot write " + tmp);
            fn(out);
            if (!out.flush())
                throw std::runtime_error("cannot write " + tmp);
        }
        fs::rename(tmp, path, ec);
        if (ec)
            throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + ec.message());
        written.push_back(path);
    };
    write("report.json", [&](std::ostream& o) { write_json(r, o); });
    write("junit.xml", [&](std::ostream& o) { write_junit(r, o); });
    write("report.md", [&](std::ostream& o) { write_markdown(r, o); });
    return written;
}

} // namespace sockconf::reports
