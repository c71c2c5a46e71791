// The reporters a run can use, by name: each report format registers its writer
// once (name, the file it writes, a one-line description, a factory), so that
// `--format`, its help text and the report directory all come from one list.
// Modelled on Catch2's reporter registry.
#pragma once

#include <sockconf/reports/reporter.hpp>

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sockconf::reports {

enum class reporter_kind {
    file,   ///< writes one file into the report directory at the end of the run (a --format)
    stream, ///< writes to a stream as the run goes (the console) or at its end (github); not a --format
};

/// What a factory gets. A file reporter uses `report_dir`; a stream reporter `out`.
struct reporter_config {
    std::ostream* out = nullptr;
    std::string report_dir;
    /// The file formats the run writes (names), so that the console points at a
    /// file that is there; empty: every file format.
    std::vector<std::string> formats;
    /// Cases the expectations file lists that the run does not have (the console says so).
    std::size_t expectations_not_run = 0;
};

using reporter_factory = std::function<std::unique_ptr<reporter>(reporter_config const&)>;

struct reporter_entry {
    std::string name;        ///< "json", "junit", "md", "html", "summary", "console", "github"
    reporter_kind kind = reporter_kind::file;
    std::string file;        ///< what a file reporter writes into the report directory; "" for a stream
    std::string description; ///< one line, for --help
    /// Written whatever --format says: report.json, which the run's own machinery reads back.
    bool always = false;
    reporter_factory make;
};

class reporter_registry {
public:
    /// An empty registry (tests); the process's one is instance().
    reporter_registry() = default;

    /// The process's registry: the built-in reporters (json, junit, md, html,
    /// summary; console, github), each registered once, and whatever reporter_registrar added.
    static reporter_registry& instance();

    /// Throws std::logic_error when the name is taken (a format is registered once).
    void add(reporter_entry entry);
    /// nullptr when no reporter has that name.
    reporter_entry const* find(std::string_view name) const;
    /// Every entry, in registration order (the order files are written and listed).
    std::vector<reporter_entry> const& entries() const noexcept { return entries_; }
    /// The names of one kind, in registration order.
    std::vector<std::string> names(reporter_kind kind) const;
    /// A reporter by name; an unknown name throws spec_error E-FORMAT listing the registered names.
    std::unique_ptr<reporter> make(std::string_view name, reporter_config const& config) const;

private:
    std::vector<reporter_entry> entries_;
};

/// Registers a reporter at start-up (Catch2's CATCH_REGISTER_REPORTER), for
/// reporters outside this library: `static reporter_registrar r{{"tap", …}};`.
/// The built-in ones are registered by instance() itself: a registrar in a static
/// library's object file that nothing else references is dropped by the linker.
struct reporter_registrar {
    explicit reporter_registrar(reporter_entry entry) { reporter_registry::instance().add(std::move(entry)); }
};

/// A file reporter that writes `write`'s output to <report_dir>/<file>, through a
/// temporary file renamed into place (what the built-in formats are).
std::unique_ptr<reporter> make_file_reporter(std::string path,
                                             std::function<void(run_report const&, std::ostream&)> write);

} // namespace sockconf::reports
