// What every fuzz target shares: the input as text, the tree's specs folder, and
// lines of an input (targets that feed a stream of messages split on '\n').
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sockconf::fuzz {

inline std::string text_of(std::uint8_t const* data, std::size_t size)
{
    return std::string(reinterpret_cast<char const*>(data), size);
}

/// The source tree (specs/api.json, specs/clauses/, specs/schemas/): compiled in.
inline std::string source_dir() { return SOCKCONF_SOURCE_DIR; }

inline std::vector<std::string> lines_of(std::string_view text)
{
    std::vector<std::string> out;
    while (!text.empty()) {
        auto const nl = text.find('\n');
        out.emplace_back(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    }
    return out;
}

} // namespace sockconf::fuzz

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size);
