#include <sockconf/common/json_file.hpp>
#include <sockconf/common/json_reader.hpp>
#include <sockconf/harness/json_schema.hpp>

#include <algorithm>
#include <cmath>
#include <set>

namespace sockconf::harness {

struct json_schema::state {
    json root;
    std::string source;
    std::map<std::string, std::regex> patterns; ///< pattern text -> compiled
    std::map<std::string, json const*> refs;    ///< "$ref" text -> the schema it names
};

namespace {

std::set<std::string_view> const annotations = {"$schema", "$id", "$comment", "title", "description", "examples",
                                                "default"};
std::set<std::string_view> const type_names = {"object", "array", "string", "integer", "number", "boolean", "null"};

std::string escape_token(std::string const& key)
{
    std::string out;
    for (char c : key)
        out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    return out;
}

// ---- loading: the schema must use only the subset, well formed ----

class schema_checker {
public:
    schema_checker(json_schema::state& s) : s_(s) {}

    void check(json const& node, std::string const& at)
    {
        if (node.is_boolean())
            return;
        if (!node.is_object())
            fail(at, "a schema is an object or true/false, " + describe_found(node));
        for (auto const& [k, v] : node.items()) {
            auto const here = at + "/" + escape_token(k);
            if (annotations.count(k))
                continue;
            if (k == "type") {
                auto const names = v.is_array() ? v : json::array({v});
                for (auto const& n : names)
                    if (!n.is_string() || !type_names.count(n.get_ref<std::string const&>()))
                        fail(here, "unknown type " + brief(n, 40));
            } else if (k == "properties" || k == "$defs") {
                if (!v.is_object())
                    fail(here, "expected an object of schemas");
                for (auto const& [name, sub] : v.items())
                    check(sub, here + "/" + escape_token(name));
            } else if (k == "required") {
                if (!v.is_array() || std::any_of(v.begin(), v.end(), [](json const& x) { return !x.is_string(); }))
                    fail(here, "expected an array of member names");
            } else if (k == "additionalProperties" || k == "items") {
                check(v, here);
            } else if (k == "prefixItems" || k == "anyOf" || k == "oneOf" || k == "allOf") {
                if (!v.is_array() || v.empty())
                    fail(here, "expected a non-empty array of schemas");
                for (std::size_t i = 0; i < v.size(); ++i)
                    check(v[i], here + "/" + std::to_string(i));
            } else if (k == "enum") {
                if (!v.is_array() || v.empty())
                    fail(here, "expected a non-empty array of values");
            } else if (k == "const") {
            } else if (k == "minimum" || k == "maximum") {
                if (!v.is_number())
                    fail(here, "expected a number");
            } else if (k == "minLength" || k == "maxLength" || k == "minItems" || k == "maxItems") {
                if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
                    fail(here, "expected a non-negative integer");
            } else if (k == "pattern") {
                if (!v.is_string())
                    fail(here, "expected a regular expression");
                auto const& text = v.get_ref<std::string const&>();
                try {
                    s_.patterns.emplace(text, std::regex(text, std::regex::ECMAScript));
                } catch (std::regex_error const& e) {
                    fail(here, "invalid pattern: " + std::string(e.what()));
                }
            } else if (k == "$ref") {
                if (!v.is_string() || v.get_ref<std::string const&>().rfind('#', 0) != 0)
                    fail(here, "only references within the schema (\"#/$defs/NAME\") are supported");
                auto const& ref = v.get_ref<std::string const&>();
                try {
                    s_.refs[ref] = &s_.root.at(json::json_pointer(ref.substr(1)));
                } catch (json::exception const&) {
                    fail(here, "\"" + ref + "\" names nothing in the schema");
                }
            } else {
                fail(here, "keyword \"" + k + "\" is not in the subset this validator implements "
                           "(harness/include/sockconf/harness/json_schema.hpp)");
            }
        }
    }

private:
    [[noreturn]] void fail(std::string const& at, std::string const& detail) const
    {
        throw spec_error("E-SCHEMA-FILE", s_.source, at.empty() ? "/" : at, detail);
    }

    json_schema::state& s_;
};

// ---- validating ----

struct error {
    std::string id;
    std::string pointer; ///< where it is reported
    std::string level;   ///< the value whose schema keyword failed (for anyOf ranking)
    std::string keyword;
    std::string detail;
};

std::string json_type_of(json const& v)
{
    switch (v.type()) {
    case json::value_t::object: return "object";
    case json::value_t::array: return "array";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "boolean";
    case json::value_t::null: return "null";
    case json::value_t::number_float: return "number";
    default: return "integer";
    }
}

bool has_type(json const& v, std::string const& t)
{
    if (t == "integer")
        return v.is_number_integer() || (v.is_number_float() && std::isfinite(v.get<double>()) &&
                                         std::floor(v.get<double>()) == v.get<double>());
    if (t == "number")
        return v.is_number();
    return json_type_of(v) == t;
}

std::string a_type(std::string const& t)
{
    if (t == "object" || t == "array" || t == "integer")
        return "an " + t;
    if (t == "boolean")
        return "true or false";
    if (t == "null")
        return "null";
    return "a " + t;
}

std::string number_text(json const& n) { return n.dump(); }

/// Equality as JSON Schema means it: 1 and 1.0 are equal.
bool same(json const& a, json const& b)
{
    if (a.is_number() && b.is_number())
        return a.get<double>() == b.get<double>();
    if (a.type() != b.type())
        return false;
    if (a.is_array()) {
        if (a.size() != b.size())
            return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (!same(a[i], b[i]))
                return false;
        return true;
    }
    if (a.is_object()) {
        if (a.size() != b.size())
            return false;
        for (auto const& [k, v] : a.items())
            if (!b.contains(k) || !same(v, b[k]))
                return false;
        return true;
    }
    return a == b;
}

class validator {
public:
    explicit validator(json_schema::state const& s) : s_(s) {}

    void run(json const& schema, json const& v, std::string const& at, std::vector<error>& out) const
    {
        if (schema.is_boolean()) {
            if (!schema.get<bool>())
                out.push_back({"E-SCHEMA", at, at, "false", "no value is allowed here, " + describe_found(v)});
            return;
        }
        if (auto it = schema.find("$ref"); it != schema.end())
            run(*s_.refs.at(it->get<std::string>()), v, at, out);
        if (auto it = schema.find("type"); it != schema.end()) {
            auto const names = it->is_array() ? *it : json::array({*it});
            if (std::none_of(names.begin(), names.end(), [&](json const& t) { return has_type(v, t.get<std::string>()); })) {
                std::string want;
                for (std::size_t i = 0; i < names.size(); ++i)
                    want += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + a_type(names[i].get<std::string>());
                out.push_back({"E-TYPE", at, at, "type", "expected " + want + ", " + describe_found(v)});
                return; // the other keywords would only restate it
            }
        }
        if (auto it = schema.find("enum"); it != schema.end()) {
            if (std::none_of(it->begin(), it->end(), [&](json const& x) { return same(x, v); })) {
                std::string list;
                for (auto const& x : *it)
                    list += (list.empty() ? "" : ", ") + x.dump();
                out.push_back({"E-ENUM", at, at, "enum", "expected one of " + list + ", got " + brief(v, 60)});
            }
        }
        if (auto it = schema.find("const"); it != schema.end() && !same(*it, v))
            out.push_back({"E-ENUM", at, at, "const", "expected " + it->dump() + ", got " + brief(v, 60)});
        if (v.is_number()) {
            if (auto it = schema.find("minimum"); it != schema.end() && v.get<double>() < it->get<double>())
                out.push_back({"E-RANGE", at, at, "minimum",
                               "expected at least " + number_text(*it) + ", got " + number_text(v)});
            if (auto it = schema.find("maximum"); it != schema.end() && v.get<double>() > it->get<double>())
                out.push_back({"E-RANGE", at, at, "maximum",
                               "expected at most " + number_text(*it) + ", got " + number_text(v)});
        }
        if (v.is_string())
            string_rules(schema, v.get_ref<std::string const&>(), at, out);
        if (v.is_object())
            object_rules(schema, v, at, out);
        if (v.is_array())
            array_rules(schema, v, at, out);
        if (auto it = schema.find("allOf"); it != schema.end())
            for (auto const& sub : *it)
                run(sub, v, at, out);
        if (auto it = schema.find("anyOf"); it != schema.end())
            alternatives(*it, v, at, out, false);
        if (auto it = schema.find("oneOf"); it != schema.end())
            alternatives(*it, v, at, out, true);
    }

private:
    static std::size_t utf8_length(std::string const& s)
    {
        return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
    }

    void string_rules(json const& schema, std::string const& s, std::string const& at, std::vector<error>& out) const
    {
        auto const n = utf8_length(s);
        if (auto it = schema.find("minLength"); it != schema.end() && n < it->get<std::size_t>()) {
            auto const min = it->get<std::size_t>();
            out.push_back({min == 1 ? "E-EMPTY" : "E-RANGE", at, at, "minLength",
                           min == 1 ? "expected a non-empty string"
                                    : "expected at least " + std::to_string(min) + " characters, got " + std::to_string(n)});
        }
        if (auto it = schema.find("maxLength"); it != schema.end() && n > it->get<std::size_t>())
            out.push_back({"E-RANGE", at, at, "maxLength",
                           "expected at most " + std::to_string(it->get<std::size_t>()) + " characters, got " +
                               std::to_string(n)});
        if (auto it = schema.find("pattern"); it != schema.end()) {
            auto const& text = it->get_ref<std::string const&>();
            if (!std::regex_search(s, s_.patterns.at(text)))
                out.push_back({"E-SCHEMA", at, at, "pattern",
                               "expected a string matching /" + text + "/, got " + brief(json(s), 60)});
        }
    }

    void object_rules(json const& schema, json const& v, std::string const& at, std::vector<error>& out) const
    {
        auto const props = schema.find("properties");
        if (auto it = schema.find("required"); it != schema.end())
            for (auto const& name : *it)
                if (!v.contains(name.get<std::string>()))
                    out.push_back({"E-MISSING", at.empty() ? "/" : at, at, "required",
                                   "required member \"" + name.get<std::string>() + "\" is missing"});
        auto const extra = schema.find("additionalProperties");
        for (auto const& [k, x] : v.items()) {
            auto const here = at + "/" + escape_token(k);
            if (props != schema.end() && props->contains(k)) {
                run((*props)[k], x, here, out);
            } else if (extra != schema.end()) {
                if (extra->is_boolean() && !extra->get<bool>()) {
                    std::string list;
                    if (props != schema.end())
                        for (auto const& [name, _] : props->items())
                            list += (list.empty() ? "" : ", ") + name;
                    out.push_back({"E-UNKNOWN-KEY", here, at, "additionalProperties",
                                   "unknown member \"" + k + "\"" + (list.empty() ? "" : " (allowed: " + list + ")")});
                } else {
                    run(*extra, x, here, out);
                }
            }
        }
    }

    void array_rules(json const& schema, json const& v, std::string const& at, std::vector<error>& out) const
    {
        if (auto it = schema.find("minItems"); it != schema.end() && v.size() < it->get<std::size_t>()) {
            auto const min = it->get<std::size_t>();
            out.push_back({min == 1 ? "E-EMPTY" : "E-RANGE", at, at, "minItems",
                           min == 1 ? "expected at least one entry"
                                    : "expected at least " + std::to_string(min) + " entries, got " + std::to_string(v.size())});
        }
        std::size_t max = SIZE_MAX;
        if (auto it = schema.find("maxItems"); it != schema.end())
            max = it->get<std::size_t>();
        std::size_t first = 0; // the first index `items` applies to
        if (auto it = schema.find("prefixItems"); it != schema.end()) {
            first = it->size();
            for (std::size_t i = 0; i < std::min(first, v.size()); ++i)
                run((*it)[i], v[i], at + "/" + std::to_string(i), out);
        }
        if (auto it = schema.find("items"); it != schema.end()) {
            if (it->is_boolean() && !it->get<bool>())
                max = std::min(max, first); // items: false after prefixItems: a fixed length
            else
                for (std::size_t i = first; i < v.size(); ++i)
                    run(*it, v[i], at + "/" + std::to_string(i), out);
        }
        if (v.size() > max)
            out.push_back({"E-RANGE", at, at, "maxItems",
                           "expected at most " + std::to_string(max) + " entries, got " + std::to_string(v.size())});
    }

    /// How close a failed branch came: 0 it rejects the value's type or misses a
    /// required member here, 1 it has an unknown member here, 2 it failed deeper.
    static int closeness(std::vector<error> const& errs, std::string const& at)
    {
        int rank = 2;
        for (auto const& e : errs) {
            if (e.level != at)
                continue;
            if (e.keyword == "type" || e.keyword == "required" || e.keyword == "enum" || e.keyword == "const" ||
                e.keyword == "false" || e.keyword == "alternatives")
                return 0;
            if (e.keyword == "additionalProperties")
                rank = 1;
        }
        return rank;
    }

    std::string title_of(json const& schema) const
    {
        if (schema.is_object()) {
            if (auto t = schema.find("title"); t != schema.end() && t->is_string())
                return t->get<std::string>();
            if (auto r = schema.find("$ref"); r != schema.end())
                return title_of(*s_.refs.at(r->get<std::string>()));
            if (auto t = schema.find("type"); t != schema.end() && t->is_string())
                return a_type(t->get<std::string>());
            if (auto c = schema.find("const"); c != schema.end())
                return c->dump();
            if (auto e = schema.find("enum"); e != schema.end()) {
                std::string list;
                for (auto const& x : *e)
                    list += (list.empty() ? "" : " | ") + x.dump();
                return list;
            }
        }
        return "another form";
    }

    void alternatives(json const& branches, json const& v, std::string const& at, std::vector<error>& out,
                      bool exactly_one) const
    {
        std::vector<std::vector<error>> errs(branches.size());
        std::size_t held = 0;
        for (std::size_t i = 0; i < branches.size(); ++i) {
            run(branches[i], v, at, errs[i]);
            held += errs[i].empty();
        }
        if (held == 1 || (held > 1 && !exactly_one))
            return;
        if (held > 1) {
            out.push_back({"E-SCHEMA", at.empty() ? "/" : at, at, "alternatives",
                           "matches more than one of the forms allowed here (oneOf), " + describe_found(v)});
            return;
        }
        int best = 0;
        for (auto const& e : errs)
            best = std::max(best, closeness(e, at));
        std::vector<std::size_t> closest;
        for (std::size_t i = 0; i < errs.size(); ++i)
            if (closeness(errs[i], at) == best)
                closest.push_back(i);
        if (closest.size() == 1) {
            out.insert(out.end(), errs[closest[0]].begin(), errs[closest[0]].end());
            return;
        }
        std::string forms;
        for (auto i : closest)
            forms += (forms.empty() ? "" : "; ") + title_of(branches[i]);
        out.push_back({"E-SCHEMA", at.empty() ? "/" : at, at, "alternatives",
                       "expected one of: " + forms + "; " + describe_found(v)});
    }

    json_schema::state const& s_;
};

} // namespace

json_schema json_schema::from_json(json schema, std::string const& source)
{
    auto s = std::make_shared<state>();
    s->root = std::move(schema);
    s->source = source;
    schema_checker(*s).check(s->root, "");
    json_schema out;
    out.state_ = std::move(s);
    return out;
}

json_schema json_schema::load(std::string const& path) { return from_json(read_json_file(path), path); }

std::string const& json_schema::source() const noexcept { return state_->source; }

std::vector<spec_error> json_schema::validate(json const& doc, std::string const& file) const
{
    std::vector<error> errs;
    validator(*state_).run(state_->root, doc, "", errs);
    std::vector<spec_error> out;
    std::set<std::tuple<std::string, std::string, std::string>> seen; // a rule reached twice (allOf, $ref) says it once
    for (auto& e : errs)
        if (seen.insert({e.id, e.pointer, e.detail}).second)
            out.emplace_back(e.id, file, e.pointer.empty() ? "/" : e.pointer, e.detail);
    return out;
}

} // namespace sockconf::harness
