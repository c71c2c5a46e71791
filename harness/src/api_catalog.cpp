#include <sockconf/common/json_file.hpp>
#include <sockconf/common/json_reader.hpp>
#include <sockconf/harness/api_catalog.hpp>

namespace sockconf::harness {

namespace {
api_entry read_entry(json_reader const& r, std::function<bool(std::string const&)> const& known_clause)
{
    r.only_keys({"callbacks", "returns", "returns_clause", "errmsg_api", "adds_listener", "removes_listener"});
    api_entry e;
    if (auto v = r.find("callbacks")) e.callbacks = v->boolean();
    if (auto v = r.find("returns")) e.returns = v->non_empty_string();
    if (auto v = r.find("returns_clause")) {
        e.returns_clause = v->non_empty_string();
        if (known_clause && !known_clause(e.returns_clause))
            v->fail("E-API-CLAUSE", "unknown clause \"" + e.returns_clause + "\" (see specs/clauses/)");
    }
    if (auto v = r.find("adds_listener")) e.adds_listener = v->non_empty_string();
    if (auto v = r.find("removes_listener")) e.removes_listener = v->non_empty_string();
    return e;
}
} // namespace

api_catalog api_catalog::from_json(json const& doc, std::string const& source,
                                   std::function<bool(std::string const&)> const& known_clause)
{
    json_reader r(doc, source);
    r.only_keys({"version", "functions", "classes"});
    r.at("version").integer_in(1, 1);
    api_catalog cat;
    auto fns = r.at("functions");
    fns.expect_object();
    for (auto const& [name, _] : fns.value().items())
        cat.functions_[name] = read_entry(fns.at(name), known_clause);
    auto classes = r.at("classes");
    classes.expect_object();
    for (auto const& [name, _] : classes.value().items()) {
        auto c = classes.at(name);
        c.only_keys({"methods", "properties", "absent", "lifecycle"});
        api_class cls;
        auto methods = c.at("methods");
        methods.expect_object();
        for (auto const& [m, __] : methods.value().items())
            cls.methods[m] = read_entry(methods.at(m), known_clause);
        auto props = c.at("properties");
        props.expect_array();
        for (std::size_t i = 0; i < props.size(); ++i)
            cls.properties.insert(props.at(i).non_empty_string());
        if (auto absent = c.find("absent")) {
            absent->expect_array();
            for (std::size_t i = 0; i < absent->size(); ++i)
                cls.absent.insert(absent->at(i).non_empty_string());
        }
        if (auto lc = c.find("lifecycle")) {
            lc->only_keys({"open", "close"});
            cls.open_event = lc->at("open").non_empty_string();
            cls.close_event = lc->at("close").non_empty_string();
        }
        cat.classes_[name] = std::move(cls);
    }
    for (auto const& [name, e] : cat.functions_)
        if (!e.returns.empty() && !cat.classes_.count(e.returns))
            fns.at(name).at("returns").fail("E-API-CLASS", "unknown class \"" + e.returns + "\"");
    return cat;
}

api_catalog api_catalog::load(std::string const& path, std::function<bool(std::string const&)> const& known_clause)
{
    return from_json(read_json_file(path), path, known_clause);
}

std::optional<api_entry> api_catalog::function(std::string const& name) const
{
    auto it = functions_.find(name);
    if (it == functions_.end())
        return std::nullopt;
    return it->second;
}

std::optional<api_entry> api_catalog::method(std::string const& cls, std::string const& name) const
{
    auto c = classes_.find(cls);
    if (c == classes_.end())
        return std::nullopt;
    auto m = c->second.methods.find(name);
    if (m == c->second.methods.end())
        return std::nullopt;
    return m->second;
}

api_class const* api_catalog::find_class(std::string const& cls) const
{
    auto c = classes_.find(cls);
    return c == classes_.end() ? nullptr : &c->second;
}

bool api_catalog::readable(std::string const& cls, std::string const& name) const
{
    auto const* c = find_class(cls);
    return c && (c->properties.count(name) || c->methods.count(name) || c->absent.count(name));
}

} // namespace sockconf::harness
