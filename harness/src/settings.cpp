#include <sockconf/common/json_file.hpp>
#include <sockconf/common/json_reader.hpp>
#include <sockconf/harness/settings.hpp>

namespace sockconf::harness {

harness_settings harness_settings::from_json(json const& doc, std::string const& source)
{
    json_reader r(doc, source);
    // "$schema": where editors find specs/schemas/settings.schema.json; nothing to the harness.
    r.only_keys({"$schema", "case_timeout_ms", "wait_timeout_ms", "settle_ms", "adapter_message_max_bytes",
                 "adapter_case_events_max", "notes"});
    harness_settings s;
    // The ranges the profile loader allowed when these were profile fields.
    s.case_timeout_ms = r.at("case_timeout_ms").integer_in(100, 3'600'000);
    s.wait_timeout_ms = r.at("wait_timeout_ms").integer_in(10, 3'600'000);
    s.settle_ms = r.at("settle_ms").integer_in(0, 60'000);
    // Below 64 KiB a legitimate 256 KiB echo could not be carried; above 1 GiB nothing is bounded.
    s.adapter_message_max_bytes = r.at("adapter_message_max_bytes").integer_in(65'536, 1'073'741'824);
    s.adapter_case_events_max = r.at("adapter_case_events_max").integer_in(100, 100'000'000);
    if (auto notes = r.find("notes"))
        notes->expect_object();
    return s;
}

harness_settings harness_settings::load(std::string const& path) { return from_json(read_json_file(path), path); }

std::string settings_path(std::string const& home, std::string const& flag)
{
    return flag.empty() ? home + "/specs/settings.json" : flag;
}

} // namespace sockconf::harness
