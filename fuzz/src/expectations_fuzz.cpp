// Expectations files (--expectations, reports/platforms/*/expectations.json):
// parse_json_text then expectations::from_json, applied to a case and turned back
// into a file (from_run), as `sockconf run --update-expectations` does.
// spec_error is the documented answer to bad input.
#include "fuzz_input.hpp"

#include <sockconf/common/json_file.hpp>
#include <sockconf/common/spec_error.hpp>
#include <sockconf/harness/expectations.hpp>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    namespace h = sockconf::harness;
    try {
        auto const e = h::expectations::from_json(
            sockconf::parse_json_text(sockconf::fuzz::text_of(data, size), "fuzz.json"), "fuzz.json");
        sockconf::reports::case_result c;
        c.id = "ws.connect.basic";
        c.result = sockconf::reports::status::fail;
        e.apply(c);
        sockconf::reports::run_report run;
        run.cases.push_back(c);
        (void)e.not_run(run.cases);
        (void)h::expectations::from_run(run, e).dump();
    } catch (sockconf::spec_error const&) {
    }
    return 0;
}
