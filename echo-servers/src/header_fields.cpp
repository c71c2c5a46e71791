#include <sockconf/echo/header_fields.hpp>

#include <algorithm>

namespace sockconf::echo {

header_fields::header_fields(std::initializer_list<std::pair<std::string_view, std::string_view>> fields)
{
    for (auto const& [name, value] : fields)
        add(name, value);
}

void header_fields::reserve(std::size_t fields, std::size_t bytes)
{
    fields_.reserve(fields);
    text_.reserve(bytes);
}

void header_fields::add(std::string_view name, std::string_view value)
{
    // A request is bounded far below 4 GiB (limit_request: 64 KiB of header).
    auto const at = static_cast<std::uint32_t>(text_.size());
    text_.append(name);
    std::transform(text_.begin() + at, text_.end(), text_.begin() + at,
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    text_.append(value);
    fields_.push_back({at, static_cast<std::uint32_t>(name.size()), static_cast<std::uint32_t>(at + name.size()),
                       static_cast<std::uint32_t>(value.size())});
}

std::optional<std::string> header_fields::find(std::string_view name) const
{
    std::optional<std::string> out;
    for_each([&](std::string_view n, std::string_view v) {
        if (n != name)
            return;
        if (out)
            out->append(", ").append(v);
        else
            out.emplace(v);
    });
    return out;
}

} // namespace sockconf::echo
