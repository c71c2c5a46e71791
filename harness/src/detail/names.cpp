#include "names.hpp"

namespace sockconf::harness::detail {

void case_names::add_call(std::string const& base, std::string const& api) { api_of_base_[base] = api; }

void case_names::add_callbacks(callback_call c)
{
    api_of_base_[c.base] = c.api;
    calls_.push_back(std::move(c));
}

void case_names::add_listener(listener_registration l) { listeners_.push_back(std::move(l)); }

std::string case_names::meaning(std::string const& name) const
{
    for (auto it = listeners_.rbegin(); it != listeners_.rend(); ++it)
        if (it->fn == name)
            return it->api + " listener";
    auto const dot = name.rfind('.');
    if (dot != std::string::npos)
        if (auto it = api_of_base_.find(name.substr(0, dot)); it != api_of_base_.end())
            return it->second + " " + name.substr(dot + 1);
    return "\"" + name + "\"";
}

std::string case_names::meaning(name_list const& names) const
{
    std::string s;
    for (auto const& n : names)
        s += (s.empty() ? "" : " or ") + meaning(n);
    return s;
}

} // namespace sockconf::harness::detail
