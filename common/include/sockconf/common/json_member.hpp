#pragma once
// Reading a member of JSON that someone else wrote (an IUT's message), which may
// hold any type: json::value(key, std::string()) throws type_error on a member that
// is there but not a string, and on a thread that reads an IUT, a throw ended the run.

#include <nlohmann/json.hpp>

#include <string>

namespace sockconf {

/// The member `key` of `o` when `o` is an object and the member a string; else "".
inline std::string string_member(nlohmann::json const& o, char const* key)
{
    if (!o.is_object())
        return {};
    auto const it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace sockconf
