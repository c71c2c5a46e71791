#include <sockconf/harness/matcher.hpp>

#include <array>
#include <regex>

namespace sockconf::harness {

namespace {

constexpr std::array<std::string_view, 11> keywords = {
    "equals", "prefix", "contains", "regex", "type", "byte_length", "present", "one_of", "any_of", "min", "max"};

bool is_keyword(std::string_view k)
{
    for (auto kw : keywords)
        if (kw == k)
            return true;
    return false;
}

// An object with a "$" key is a value written in the case format ({"$arraybuffer": ...}).
bool is_special_value(json const& m)
{
    return m.is_object() && !m.empty() && m.begin().key().rfind('$', 0) == 0;
}

bool is_matcher_object(json const& m)
{
    if (!m.is_object() || m.empty() || is_special_value(m))
        return false;
    for (auto const& [k, _] : m.items())
        if (!is_keyword(k))
            return false;
    return true;
}

std::string show(json const* v) { return v ? brief(*v, 120) : std::string("(absent)"); }

std::optional<std::size_t> byte_length(json const& v)
{
    if (v.is_string())
        return v.get_ref<std::string const&>().size();
    if (is_array_buffer(v))
        return v.get_binary().size();
    return std::nullopt;
}

} // namespace

void validate_matcher(json_reader const& m)
{
    auto const& v = m.value();
    if (!v.is_object() || is_special_value(v))
        return; // a plain value: equals
    if (!is_matcher_object(v))
        m.fail("E-MATCHER", "a matcher object takes only equals, prefix, contains, regex, type, "
                            "byte_length, present, one_of, any_of, min, max (to compare with an object, "
                            "write {\"equals\": {...}})");
    for (auto const& [k, x] : v.items()) {
        auto r = m.at(k);
        if (k == "prefix" || k == "contains") r.string();
        if (k == "regex") {
            auto re = r.string();
            try { std::regex(re, std::regex::ECMAScript); }
            catch (std::regex_error const& e) { r.fail("E-MATCHER", "invalid regex: " + std::string(e.what())); }
        }
        if (k == "type") {
            auto t = r.string();
            static constexpr std::array<std::string_view, 11> types = {
                "string", "arraybuffer", "number", "boolean", "object", "array", "null", "function", "undefined", "blob",
                "typedarray"};
            if (std::find(types.begin(), types.end(), t) == types.end())
                r.fail("E-MATCHER", "unknown type \"" + t + "\" (string, arraybuffer, number, "
                                    "boolean, object, array, null, function, undefined, blob, typedarray)");
        }
        if (k == "byte_length") r.integer_in(0, INT64_MAX);
        if (k == "present") r.boolean();
        if (k == "one_of") r.expect_array();
        if (k == "any_of") {
            r.expect_array();
            if (r.size() == 0)
                r.fail("E-MATCHER", "any_of needs at least one matcher");
            for (std::size_t i = 0; i < r.size(); ++i)
                validate_matcher(r.at(i));
        }
        if ((k == "min" || k == "max") && !x.is_number())
            r.fail("E-TYPE", "expected a number, " + describe_found(x));
        if (k == "equals" || k == "one_of") {
            try { (void)from_wire(x); }
            catch (std::invalid_argument const& e) { r.fail("E-MATCHER", e.what()); }
        }
    }
}

void validate_pattern(json_reader const& p)
{
    if (!p.value().is_object())
        p.fail("E-PATTERN", "a pattern is an object of \"path\": matcher, " + describe_found(p.value()));
    for (auto const& [k, _] : p.value().items())
        validate_matcher(p.at(k));
}

json const* lookup(json const& value, std::string_view path)
{
    json const* cur = &value;
    while (!path.empty()) {
        auto const dot = path.find('.');
        auto const key = std::string(path.substr(0, dot));
        path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
        if (cur->is_object()) {
            auto it = cur->find(key);
            if (it == cur->end())
                return nullptr;
            cur = &*it;
        } else if (cur->is_array()) {
            if (key.empty() || key.find_first_not_of("0123456789") != std::string::npos)
                return nullptr;
            auto const i = std::stoull(key);
            if (i >= cur->size())
                return nullptr;
            cur = &(*cur)[i];
        } else {
            return nullptr;
        }
    }
    return cur;
}

std::optional<std::string> check_matcher(json const& m, json const* value)
{
    if (!is_matcher_object(m)) {
        auto const want = from_wire(m);
        if (value && *value == want)
            return std::nullopt;
        return "expected " + brief(want, 120) + ", got " + show(value);
    }
    if (auto any = m.find("any_of"); any != m.end()) {
        std::string whys;
        bool ok = false;
        for (auto const& alt : *any) {
            auto why = check_matcher(alt, value);
            ok = ok || !why;
            if (why)
                whys += (whys.empty() ? "" : "; ") + *why;
        }
        if (!ok)
            return "expected any of " + brief(*any, 120) + ": " + whys;
        if (m.size() == 1)
            return std::nullopt;
    }
    // As in JS, an absent property and one holding undefined read the same.
    bool const undefined = !value || js_type_name(*value) == "undefined";
    if (auto p = m.find("present"); p != m.end()) {
        if (p->get<bool>() == undefined)
            return p->get<bool>() ? "expected present, got " + show(value) : "expected absent, got " + show(value);
        if (undefined)
            return std::nullopt;
    }
    if (undefined) {
        if (auto t = m.find("type"); t != m.end() && *t == "undefined" && m.size() == (m.contains("any_of") ? 2 : 1))
            return std::nullopt;
        return "expected a value matching " + brief(m, 120) + ", got " + show(value);
    }
    auto const& v = *value;
    for (auto const& [k, x] : m.items()) {
        if (k == "equals") {
            if (v != from_wire(x))
                return "expected " + brief(x, 120) + ", got " + show(value);
        } else if (k == "prefix" || k == "contains" || k == "regex") {
            if (!v.is_string())
                return "expected a string (" + k + " " + brief(x) + "), got " + show(value);
            auto const& s = v.get_ref<std::string const&>();
            auto const& want = x.get_ref<std::string const&>();
            bool ok = k == "prefix" ? s.rfind(want, 0) == 0
                      : k == "contains" ? s.find(want) != std::string::npos
                      : std::regex_search(s, std::regex(want, std::regex::ECMAScript));
            if (!ok)
                return "expected a string with " + k + " " + brief(x) + ", got " + show(value);
        } else if (k == "type") {
            if (js_type_name(v) != x.get<std::string>())
                return "expected type " + x.get<std::string>() + ", got " +
                       std::string(js_type_name(v)) + " " + show(value);
        } else if (k == "byte_length") {
            auto n = byte_length(v);
            if (!n || *n != x.get<std::size_t>())
                return "expected " + std::to_string(x.get<std::size_t>()) + " bytes, got " +
                       (n ? std::to_string(*n) + " bytes" : std::string(js_type_name(v))) + " " + show(value);
        } else if (k == "one_of") {
            bool ok = false;
            for (auto const& o : x)
                ok = ok || v == from_wire(o);
            if (!ok)
                return "expected one of " + brief(x, 120) + ", got " + show(value);
        } else if (k == "min" || k == "max") {
            if (!v.is_number())
                return "expected a number (" + k + " " + brief(x) + "), got " + show(value);
            bool ok = k == "min" ? v.get<double>() >= x.get<double>() : v.get<double>() <= x.get<double>();
            if (!ok)
                return "expected " + std::string(k == "min" ? ">= " : "<= ") + brief(x) + ", got " + show(value);
        }
    }
    return std::nullopt;
}

std::optional<std::string> check_pattern(json const& p, json const& value)
{
    for (auto const& [path, m] : p.items())
        if (auto why = check_matcher(m, lookup(value, path)))
            return path + ": " + *why;
    return std::nullopt;
}

} // namespace sockconf::harness
