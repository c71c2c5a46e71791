#include <sockconf/common/json_file.hpp>
#include <sockconf/reports/html_writer.hpp>
#include <sockconf/reports/json_writer.hpp>
#include <sockconf/reports/junit_writer.hpp>
#include <sockconf/reports/markdown_writer.hpp>
#include <sockconf/reports/report_dir.hpp>

#include <filesystem>
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
        write_file_atomically(path, fn);
        written.push_back(path);
    };
    write("report.json", [&](std::ostream& o) { write_json(r, o); });
    write("junit.xml", [&](std::ostream& o) { write_junit(r, o); });
    write("report.md", [&](std::ostream& o) { write_markdown(r, o); });
    write("report.html", [&](std::ostream& o) { write_html(r, o); });
    return written;
}

} // namespace sockconf::reports
