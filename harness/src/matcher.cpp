#include <sockconf/harness/matcher.hpp>

#include <algorithm>
#include <array>

namespace sockconf::harness {

namespace {

constexpr std::array<std::string_view, 11> keywords = {
    "equals", "prefix", "contains", "regex", "type", "byte_length", "present", "one_of", "any_of", "min", "max"};

bool is_keyword(std::string_view k)
{
    return std::find(keywords.begin(), keywords.end(), k) != keywords.end();
}

// An object with a "$" key is a value written in the case format ({"$arraybuffer": ...}).
bool is_special_value(json const& m)
{
    return m.is_object() && !m.empty() && m.begin().key().rfind('$', 0) == 0;
}

/// A value to compare with, not an object of matcher keywords.
bool is_plain(json const& m) { return !m.is_object() || m.empty() || is_special_value(m); }

bool holds_variable(json const& v)
{
    return v.is_string() && v.get_ref<std::string const&>().find("${") != std::string::npos;
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

/// A value written in a case: wire form, or a ${variable} that stands for one.
void check_value(json_reader const& r)
{
    try {
        (void)from_wire(r.value());
    } catch (std::invalid_argument const& e) {
        r.fail("E-MATCHER", e.what());
    }
}

/// A number, or a "${variable}" that will be one.
void number_or_variable(json_reader const& r)
{
    if (!r.value().is_number() && !holds_variable(r.value()))
        r.fail("E-TYPE", "expected a number, " + describe_found(r.value()));
}

std::optional<mismatch> miss(std::string expected, json const* value)
{
    return mismatch{"", std::move(expected), show(value)};
}

/// `value` is not `want`: when it is not even of its JS type, say so for grouping.
std::optional<mismatch> unequal(json const& want, json const* value)
{
    auto m = miss(brief(to_wire(want), 120), value);
    if (!value) {
        m->expected_type = "present"; // not sent at all: the value asked for does not matter
        m->observed_type = "absent";
    } else if (js_type_name(want) != js_type_name(*value)) {
        m->expected_type = js_type_name(want);
        m->observed_type = js_type_name(*value);
    }
    return m;
}

} // namespace

json resolve_plain(json const& v) { return from_wire(v); }

std::string mismatch::text() const
{
    return (path.empty() ? "" : path + ": ") + "expected " + expected + ", got " + observed;
}

std::string mismatch::expected_key() const
{
    if (expected_type.empty() || expected_type == "present")
        return expected_type.empty() ? expected : expected_type;
    return (observed_type == "null" ? "a " : "type ") + expected_type; // "a number, observed null" reads best
}
std::string mismatch::observed_key() const
{
    if (observed_type.empty() || observed_type == "absent" || observed_type == "null")
        return observed_type.empty() ? observed : observed_type;
    return "type " + observed_type;
}

std::vector<std::string_view> const& matcher_type_names()
{
    static std::vector<std::string_view> const names = {"string", "arraybuffer", "number",    "boolean",
                                                         "object", "array",       "null",      "function",
                                                         "undefined", "blob",     "typedarray"};
    return names;
}

matcher parse_matcher(json_reader const& r)
{
    matcher m;
    auto const& v = r.value();
    m.raw = v;
    if (is_plain(v)) { // a plain value: equals
        check_value(r);
        m.equals = v;
        return m;
    }
    for (auto const& [k, _] : v.items())
        if (!is_keyword(k))
            r.fail("E-MATCHER", "a matcher object takes only equals, prefix, contains, regex, type, "
                                "byte_length, present, one_of, any_of, min, max (to compare with an object, "
                                "write {\"equals\": {...}})");
    for (auto const& [k, x] : v.items()) {
        auto e = r.at(k);
        if (k == "equals") {
            check_value(e);
            m.equals = x;
        } else if (k == "prefix" || k == "contains") {
            e.string();
            (k == "prefix" ? m.prefix : m.contains) = x;
        } else if (k == "regex") {
            auto const re = e.string();
            if (re.find("${") != std::string::npos)
                e.fail("E-MATCHER", "a regex cannot hold a ${variable} (use prefix, contains or equals)");
            try {
                m.regex.emplace(re, std::regex::ECMAScript);
            } catch (std::regex_error const& err) {
                e.fail("E-MATCHER", "invalid regex: " + std::string(err.what()));
            }
            m.regex_source = re;
        } else if (k == "type") {
            auto const t = e.string();
            auto const& names = matcher_type_names();
            if (std::find(names.begin(), names.end(), t) == names.end()) {
                std::string list;
                for (auto n : names)
                    list += (list.empty() ? "" : ", ") + std::string(n);
                e.fail("E-MATCHER", "unknown type \"" + t + "\" (" + list + ")");
            }
            m.type = t;
        } else if (k == "byte_length") {
            if (!holds_variable(x))
                e.integer_in(0, INT64_MAX);
            m.byte_length = x;
        } else if (k == "present") {
            m.present = e.boolean();
        } else if (k == "one_of") {
            e.expect_array();
            std::vector<json> values;
            for (std::size_t i = 0; i < e.size(); ++i) {
                check_value(e.at(i));
                values.push_back(e.at(i).value());
            }
            m.one_of = std::move(values);
        } else if (k == "any_of") {
            e.expect_array();
            if (e.size() == 0)
                e.fail("E-MATCHER", "any_of needs at least one matcher");
            for (std::size_t i = 0; i < e.size(); ++i)
                m.any_of.push_back(parse_matcher(e.at(i)));
        } else if (k == "min" || k == "max") {
            number_or_variable(e);
            (k == "min" ? m.min : m.max) = x;
        }
    }
    return m;
}

pattern parse_pattern(json_reader const& r)
{
    if (!r.value().is_object())
        r.fail("E-PATTERN", "a pattern is an object of \"path\": matcher, " + describe_found(r.value()));
    pattern p;
    p.raw = r.value();
    for (auto const& [k, _] : r.value().items())
        p.entries.emplace_back(k, parse_matcher(r.at(k)));
    return p;
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

std::optional<mismatch> check_matcher(matcher const& m, json const* value, value_resolver const& resolve)
{
    if (is_plain(m.raw)) {
        auto const want = resolve(*m.equals);
        if (value && *value == want)
            return std::nullopt;
        return unequal(want, value);
    }
    if (!m.any_of.empty()) {
        std::string whys;
        bool ok = false;
        for (auto const& alt : m.any_of) {
            auto why = check_matcher(alt, value, resolve);
            ok = ok || !why;
            if (why)
                whys += (whys.empty() ? "" : "; ") + why->expected;
        }
        if (!ok)
            return miss("any of [" + whys + "]", value);
        if (m.raw.size() == 1)
            return std::nullopt;
    }
    // As in JS, an absent property and one holding undefined read the same.
    bool const undefined = !value || js_type_name(*value) == "undefined";
    if (m.present) {
        if (*m.present == undefined)
            return miss(*m.present ? "present" : "absent", value);
        if (undefined)
            return std::nullopt;
    }
    if (undefined) {
        if (m.type == "undefined" && m.raw.size() == (m.any_of.empty() ? 1u : 2u))
            return std::nullopt;
        return miss("a value matching " + brief(m.raw, 120), value);
    }
    auto const& v = *value;
    if (m.equals) {
        auto const want = resolve(*m.equals);
        if (v != want)
            return unequal(want, value);
    }
    auto const string_rule = [&](char const* kind, json const& want_raw, auto&& holds) -> std::optional<mismatch> {
        auto const want = resolve(want_raw);
        if (!v.is_string())
            return miss(std::string("a string (") + kind + " " + brief(want) + ")", value);
        if (!want.is_string() || !holds(v.get_ref<std::string const&>(), want.get_ref<std::string const&>()))
            return miss(std::string("a string with ") + kind + " " + brief(want), value);
        return std::nullopt;
    };
    if (m.prefix)
        if (auto why = string_rule("prefix", *m.prefix, [](auto const& s, auto const& w) { return s.rfind(w, 0) == 0; }))
            return why;
    if (m.contains)
        if (auto why = string_rule("contains", *m.contains,
                                   [](auto const& s, auto const& w) { return s.find(w) != std::string::npos; }))
            return why;
    if (m.regex) {
        if (!v.is_string())
            return miss("a string (regex " + brief(json(*m.regex_source)) + ")", value);
        if (!std::regex_search(v.get_ref<std::string const&>(), *m.regex))
            return miss("a string with regex " + brief(json(*m.regex_source)), value);
    }
    if (m.type && js_type_name(v) != *m.type)
        return mismatch{"", "type " + *m.type, std::string(js_type_name(v)) + " " + show(value), *m.type,
                        std::string(js_type_name(v))};
    if (m.byte_length) {
        auto const want = resolve(*m.byte_length);
        auto const n = byte_length(v);
        if (!n || !want.is_number_integer() || *n != want.get<std::size_t>())
            return mismatch{"", brief(want) + " bytes",
                            (n ? std::to_string(*n) + " bytes" : std::string(js_type_name(v))) + " " + show(value)};
    }
    if (m.one_of) {
        bool ok = false;
        json shown = json::array();
        for (auto const& o : *m.one_of) {
            auto const want = resolve(o);
            ok = ok || v == want;
            shown.push_back(to_wire(want));
        }
        if (!ok)
            return miss("one of " + brief(shown, 120), value);
    }
    for (auto const* bound : {&m.min, &m.max}) {
        if (!*bound)
            continue;
        bool const is_min = bound == &m.min;
        auto const limit = resolve(**bound);
        if (!v.is_number())
            return miss(std::string("a number (") + (is_min ? "min " : "max ") + brief(limit) + ")", value);
        if (!limit.is_number() ||
            !(is_min ? v.get<double>() >= limit.get<double>() : v.get<double>() <= limit.get<double>()))
            return miss(std::string(is_min ? ">= " : "<= ") + brief(limit), value);
    }
    return std::nullopt;
}

std::optional<mismatch> check_pattern(pattern const& p, json const& value, value_resolver const& resolve)
{
    for (auto const& [path, m] : p.entries)
        if (auto why = check_matcher(m, lookup(value, path), resolve)) {
            why->path = path;
            return why;
        }
    return std::nullopt;
}

} // namespace sockconf::harness
