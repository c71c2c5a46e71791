#include "variables.hpp"

#include <sockconf/harness/matcher.hpp>

#include <algorithm>
#include <cctype>
#include <regex>

namespace sockconf::harness::detail {

void variables::set(std::string const& name, json value) { vars_[name] = std::move(value); }

json variables::value(std::string const& name) const
{
    if (name.rfind("profile.", 0) == 0) {
        if (auto const* v = lookup(prof_.raw, name.substr(8)))
            return *v;
        throw variable_error("the profile has no value ${" + name + "}");
    }
    if (name == "i") {
        if (loops_.empty())
            throw variable_error("${i} used outside repeat");
        return loops_.back();
    }
    auto it = vars_.find(name);
    if (it == vars_.end())
        throw variable_error("unknown variable ${" + name + "}");
    return *it;
}

json variables::substitute(json const& v) const
{
    static std::regex const var_re(R"(\$\{([^}]*)\})");
    if (v.is_string()) {
        auto const& s = v.get_ref<std::string const&>();
        if (s.find("${") == std::string::npos)
            return v;
        std::smatch m;
        if (std::regex_match(s, m, var_re))
            return value(m[1].str()); // a whole-string variable keeps its type
        std::string out;
        auto begin = s.cbegin();
        for (std::sregex_iterator it(s.begin(), s.end(), var_re), end; it != end; ++it) {
            out.append(begin, s.cbegin() + it->position());
            auto x = value((*it)[1].str());
            out += x.is_string() ? x.get<std::string>() : x.dump();
            begin = s.cbegin() + it->position() + it->length();
        }
        out.append(begin, s.cend());
        return out;
    }
    if (v.is_object()) {
        // Values written in the case format become their wire form.
        if (v.size() == 1 && v.contains("$arraybuffer_text"))
            return json{{"$arraybuffer", base64_encode(substitute(v["$arraybuffer_text"]).get<std::string>())}};
        if (v.size() == 2 && v.contains("$repeat") && v.contains("times")) {
            std::string out;
            auto const unit = substitute(v["$repeat"]).get<std::string>();
            auto const times = substitute(v["times"]).get<std::int64_t>();
            for (std::int64_t i = 0; i < times; ++i)
                out += unit;
            return out;
        }
        if (v.size() == 1 && v.contains("$concat")) {
            std::string out;
            for (auto const& part : v["$concat"]) {
                auto x = substitute(part);
                out += x.is_string() ? x.get<std::string>() : x.dump();
            }
            return out;
        }
        json out = json::object();
        for (auto const& [k, x] : v.items())
            out[k] = substitute(x);
        return out;
    }
    if (v.is_array()) {
        json out = json::array();
        for (auto const& x : v)
            out.push_back(substitute(x));
        return out;
    }
    return v;
}

std::string variables::normalise(std::string text) const
{
    // Longest values first, so a URL goes before the port inside it.
    std::vector<std::pair<std::string, std::string>> subs;
    for (auto const& [name, v] : vars_.items()) {
        std::string s = v.is_string() ? v.get<std::string>() : v.is_number_integer() ? v.dump() : std::string();
        // "127.0.0.1" is the host everywhere (a listener's too); values under 4 characters would replace too much.
        if (s.size() < 4 || name == "tcp.host" || (name.rfind("listen.", 0) == 0 && name.ends_with(".host")))
            continue;
        subs.emplace_back(std::move(s), "${" + name + "}");
    }
    std::sort(subs.begin(), subs.end(), [](auto const& a, auto const& b) { return a.first.size() > b.first.size(); });
    auto const digit_at = [&](std::size_t i) { return i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); };
    for (auto const& [from, to] : subs) {
        bool const number = from.find_first_not_of("0123456789") == std::string::npos;
        std::size_t at = 0;
        while ((at = text.find(from, at)) != std::string::npos) {
            // A number only where it stands alone, not inside a longer one.
            if (number && ((at > 0 && digit_at(at - 1)) || digit_at(at + from.size()))) {
                ++at;
                continue;
            }
            text.replace(at, from.size(), to);
            at += to.size();
        }
    }
    // Trace numbers and the IUT's handle ids differ from run to run.
    static std::regex const seq_re("#[0-9]+");
    static std::regex const handle_re("\"\\$handle\":\"[^\"]*\"");
    return std::regex_replace(std::regex_replace(text, seq_re, "#N"), handle_re, "\"$$handle\":\"N\"");
}

} // namespace sockconf::harness::detail
