// report.json (what `sockconf report diff|merge|matrix` and --rerun-failed read):
// parse_json_text then reports::report_from_json (read_report without the file).
// spec_error is the documented answer to bad input.
#include "fuzz_input.hpp"

#include <sockconf/common/json_file.hpp>
#include <sockconf/common/spec_error.hpp>
#include <sockconf/reports/deviations.hpp>
#include <sockconf/reports/report_reader.hpp>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    try {
        auto const run = sockconf::reports::report_from_json(
            sockconf::parse_json_text(sockconf::fuzz::text_of(data, size), "report.json"), "report.json");
        // What every reader of a report computes first (diff, merge, matrix group by it).
        (void)sockconf::reports::deviations_of(run);
    } catch (sockconf::spec_error const&) {
    }
    return 0;
}
