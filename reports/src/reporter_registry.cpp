#include <sockconf/common/json_file.hpp>
#include <sockconf/common/spec_error.hpp>
#include <sockconf/reports/console_reporter.hpp>
#include <sockconf/reports/github_annotations.hpp>
#include <sockconf/reports/html_writer.hpp>
#include <sockconf/reports/json_writer.hpp>
#include <sockconf/reports/junit_writer.hpp>
#include <sockconf/reports/markdown_writer.hpp>
#include <sockconf/reports/reporter_registry.hpp>
#include <sockconf/reports/summary_writer.hpp>

#include "detail/checks.hpp"

#include <filesystem>
#include <stdexcept>

namespace sockconf::reports {

namespace {

class file_reporter : public reporter {
public:
    file_reporter(std::string path, std::function<void(run_report const&, std::ostream&)> write)
        : path_(std::move(path)), write_(std::move(write))
    {
    }
    void on_run_end(run_report const& r) override
    {
        write_file_atomically(path_, [&](std::ostream& o) { write_(r, o); });
    }

private:
    std::string path_;
    std::function<void(run_report const&, std::ostream&)> write_;
};

/// GitHub Actions' annotations (github_annotations.hpp) on a stream, at the end of the run.
class github_reporter : public reporter {
public:
    explicit github_reporter(std::ostream& out) : out_(out) {}
    void on_run_end(run_report const& r) override
    {
        write_github_annotations(r, out_);
        out_.flush();
    }

private:
    std::ostream& out_;
};

reporter_entry file_format(std::string name, std::string file, std::string description,
                           void (*write)(run_report const&, std::ostream&), bool always = false)
{
    reporter_entry e{std::move(name), reporter_kind::file, file, std::move(description), always, {}};
    e.make = [file, write](reporter_config const& c) {
        return make_file_reporter((std::filesystem::path(c.report_dir) / file).string(), write);
    };
    return e;
}

} // namespace

std::unique_ptr<reporter> make_file_reporter(std::string path,
                                             std::function<void(run_report const&, std::ostream&)> write)
{
    return std::make_unique<file_reporter>(std::move(path), std::move(write));
}

reporter_registry& reporter_registry::instance()
{
    // The built-in reporters, each once, in the order their files are written and listed.
    static reporter_registry registry = [] {
        reporter_registry r;
        r.add(file_format("json", "report.json",
                          "the canonical result (cases, checks, traces, wire records, deviations), always written: "
                          "the run reads it back (--rerun-failed, the next run's scheduling, `report merge|diff|matrix|html`)",
                          &write_json, true));
        r.add(file_format("junit", "junit.xml", "JUnit XML for CI systems (the run's verdict per case)", &write_junit));
        r.add(file_format("md", "report.md", "Markdown for people and CI job summaries, deviations first",
                          &write_markdown));
        r.add(file_format("html", "report.html",
                          "one self-contained page: filters, the clause matrix, each case's trace as a sequence diagram",
                          &write_html));
        r.add(file_format("summary", "summary.md",
                          "the run on one page for a CI job summary: the verdict, counts, the new deviations in full, "
                          "the others in a table (GitHub Actions: also appended to $GITHUB_STEP_SUMMARY)",
                          &write_summary));
        r.add({"console", reporter_kind::stream, "", "a line per case as it ends, then the summary (stdout)", false,
               [](reporter_config const& c) -> std::unique_ptr<reporter> {
                   if (!c.out)
                       throw std::logic_error("the console reporter needs a stream");
                   return std::make_unique<console_reporter>(*c.out, c);
               }});
        r.add({"github", reporter_kind::stream, "",
               "GitHub Actions annotations (stdout): an error per new deviation, a warning per other unexpected result",
               false, [](reporter_config const& c) -> std::unique_ptr<reporter> {
                   if (!c.out)
                       throw std::logic_error("the github reporter needs a stream");
                   return std::make_unique<github_reporter>(*c.out);
               }});
        return r;
    }();
    return registry;
}

void reporter_registry::add(reporter_entry entry)
{
    if (find(entry.name))
        throw std::logic_error("reporter \"" + entry.name + "\" registered twice");
    entries_.push_back(std::move(entry));
}

reporter_entry const* reporter_registry::find(std::string_view name) const
{
    for (auto const& e : entries_)
        if (e.name == name)
            return &e;
    return nullptr;
}

std::vector<std::string> reporter_registry::names(reporter_kind kind) const
{
    std::vector<std::string> out;
    for (auto const& e : entries_)
        if (e.kind == kind)
            out.push_back(e.name);
    return out;
}

std::unique_ptr<reporter> reporter_registry::make(std::string_view name, reporter_config const& config) const
{
    auto const* e = find(name);
    if (!e) {
        std::vector<std::string> all;
        for (auto const& x : entries_)
            all.push_back(x.name);
        throw spec_error("E-FORMAT", "", "",
                         "no reporter \"" + std::string(name) + "\": the reporters are " + detail::join(all, ", "));
    }
    return e->make(config);
}

} // namespace sockconf::reports
