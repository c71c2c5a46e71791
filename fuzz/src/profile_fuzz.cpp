// Profiles (specs/profiles/*.json, or a file given to --profile): parse_json_text
// then profile::from_json, and the queries the reference makes of a profile.
// spec_error is the documented answer to bad input.
#include "fuzz_input.hpp"

#include <sockconf/common/json_file.hpp>
#include <sockconf/common/profile.hpp>
#include <sockconf/common/spec_error.hpp>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    try {
        auto const p = sockconf::profile::from_json(
            sockconf::parse_json_text(sockconf::fuzz::text_of(data, size), "fuzz.json"), "fuzz.json");
        for (int port : {0, 1, 80, 443, 65535})
            (void)p.tcp_port_blocked(port);
        (void)p.domain_allowed("127.0.0.1");
        (void)p.domain_allowed("");
    } catch (sockconf::spec_error const&) {
    }
    return 0;
}
