#include <sockconf/common/spec_error.hpp>
#include <sockconf/reports/report_dir.hpp>
#include <sockconf/reports/reporter_registry.hpp>

#include "detail/checks.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace sockconf::reports {

namespace {

using detail::join;

std::string_view trimmed(std::string_view s)
{
    auto const first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

[[noreturn]] void unknown_format(std::string_view name, std::string_view flag)
{
    auto const& reg = reporter_registry::instance();
    auto const formats = join(reg.names(reporter_kind::file), ", ");
    auto const* e = reg.find(name);
    throw spec_error("E-FORMAT", "", "",
                     e ? "\"" + std::string(name) + "\" in " + std::string(flag) + " is not a file format (" +
                             e->description + "): the formats are " + formats
                       : "unknown report format \"" + std::string(name) + "\" in " + std::string(flag) +
                             ": the formats are " + formats);
}

} // namespace

std::vector<std::string> parse_formats(std::vector<std::string> const& values, std::string_view flag)
{
    auto const& reg = reporter_registry::instance();
    std::vector<std::string> asked;
    for (auto const& value : values) {
        std::string_view rest = value;
        while (true) {
            auto const comma = rest.find(',');
            auto const name = trimmed(rest.substr(0, comma));
            if (!name.empty()) {
                auto const* e = reg.find(name);
                if (!e || e->kind != reporter_kind::file)
                    unknown_format(name, flag);
                asked.emplace_back(name);
            }
            if (comma == std::string_view::npos)
                break;
            rest.remove_prefix(comma + 1);
        }
    }
    if (!values.empty() && asked.empty())
        throw spec_error("E-FORMAT", "", "",
                         std::string(flag) + " names no format: the formats are " + join(reg.names(reporter_kind::file), ", "));
    std::vector<std::string> out;
    for (auto const& e : reg.entries())
        if (e.kind == reporter_kind::file &&
            (asked.empty() || e.always || std::find(asked.begin(), asked.end(), e.name) != asked.end()))
            out.push_back(e.name);
    return out;
}

std::string formats_help()
{
    std::string text = "Report files to write, comma-separated or repeated (default: all):";
    for (auto const& e : reporter_registry::instance().entries())
        if (e.kind == reporter_kind::file)
            text += " " + e.name + " = " + e.file + ", " + e.description + ";";
    text.back() = '.';
    return text;
}

std::string report_files(std::vector<std::string> const& formats)
{
    std::vector<std::string> files;
    for (auto const& e : reporter_registry::instance().entries())
        if (e.kind == reporter_kind::file &&
            (formats.empty() || std::find(formats.begin(), formats.end(), e.name) != formats.end()))
            files.push_back(e.file);
    return join(files, ", ");
}

std::vector<std::string> write_report_dir(run_report const& r, std::string const& dir)
{
    return write_report_dir(r, dir, reporter_registry::instance().names(reporter_kind::file));
}

std::vector<std::string> write_report_dir(run_report const& r, std::string const& dir,
                                          std::vector<std::string> const& formats)
{
    namespace fs = std::filesystem;
    auto const& reg = reporter_registry::instance();
    for (auto const& name : formats)
        if (auto const* e = reg.find(name); !e || e->kind != reporter_kind::file)
            unknown_format(name, "the report formats");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw std::runtime_error("cannot create report directory " + dir + ": " + ec.message());

    reporter_config const config{nullptr, dir, formats, 0};
    std::vector<std::string> written;
    for (auto const& e : reg.entries()) {
        if (e.kind != reporter_kind::file)
            continue;
        auto const path = (fs::path(dir) / e.file).string();
        if (std::find(formats.begin(), formats.end(), e.name) == formats.end()) {
            fs::remove(path, ec); // an earlier run's: it would not describe this one
            continue;
        }
        e.make(config)->on_run_end(r);
        written.push_back(path);
    }
    return written;
}

} // namespace sockconf::reports
