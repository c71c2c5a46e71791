#include <sockconf/common/value.hpp>

#include <boost/beast/core/detail/base64.hpp>

#include <stdexcept>

namespace sockconf {

namespace b64 = boost::beast::detail::base64;

json make_array_buffer(std::string_view bytes)
{
    return json::binary(json::binary_t::container_type(bytes.begin(), bytes.end()));
}

bool is_array_buffer(json const& v) noexcept { return v.is_binary(); }

std::string array_buffer_bytes(json const& v)
{
    auto const& bin = v.get_binary();
    return std::string(bin.begin(), bin.end());
}

std::string base64_encode(std::string_view bytes)
{
    std::string out(b64::encoded_size(bytes.size()), '\0');
    out.resize(b64::encode(out.data(), bytes.data(), bytes.size()));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text)
{
    if (text.size() % 4 != 0)
        return std::nullopt;
    std::string out(b64::decoded_size(text.size()), '\0');
    auto const [written, read] = b64::decode(out.data(), text.data(), text.size());
    // Beast stops at the first '=' or foreign character: only padding may follow.
    auto const rest = text.substr(read);
    if (rest.size() > 2 || rest.find_first_not_of('=') != std::string_view::npos)
        return std::nullopt;
    out.resize(written);
    return out;
}

json to_wire(json const& v)
{
    if (v.is_binary())
        return json{{"$arraybuffer", base64_encode(array_buffer_bytes(v))}};
    if (v.is_object()) {
        json out = json::object();
        for (auto const& [k, x] : v.items())
            out[k] = to_wire(x);
        return out;
    }
    if (v.is_array()) {
        json out = json::array();
        for (auto const& x : v)
            out.push_back(to_wire(x));
        return out;
    }
    return v;
}

json make_typed_array(std::string_view view_class, std::string_view bytes)
{
    return json{{"$typedarray", view_class}, {"base64", base64_encode(bytes)}};
}

bool is_typed_array(json const& v) noexcept { return v.is_object() && v.contains("$typedarray"); }

namespace {

json typed_array_from_wire(json const& v)
{
    auto const& cls = v["$typedarray"];
    if (!cls.is_string() || cls.get_ref<std::string const&>().empty())
        throw std::invalid_argument("$typedarray must name the view's class (\"Uint8Array\", \"Buffer\", \"DataView\", ...)");
    for (auto const& [k, _] : v.items())
        if (k != "$typedarray" && k != "base64")
            throw std::invalid_argument("$typedarray takes only \"base64\" beside it, not \"" + k + "\"");
    auto it = v.find("base64");
    if (it == v.end() || !it->is_string())
        throw std::invalid_argument("$typedarray needs \"base64\": the view's bytes as a base64 string");
    auto bytes = base64_decode(it->get_ref<std::string const&>());
    if (!bytes)
        throw std::invalid_argument("$typedarray: \"base64\" is not valid base64");
    return make_typed_array(cls.get_ref<std::string const&>(), *bytes);
}

} // namespace

json from_wire(json const& v)
{
    if (v.is_object()) {
        if (is_typed_array(v))
            return typed_array_from_wire(v);
        if (v.size() == 1 && v.contains("$arraybuffer")) {
            auto const& text = v["$arraybuffer"];
            if (!text.is_string())
                throw std::invalid_argument("$arraybuffer must be a base64 string");
            auto bytes = base64_decode(text.get<std::string>());
            if (!bytes)
                throw std::invalid_argument("$arraybuffer is not valid base64");
            return make_array_buffer(*bytes);
        }
        json out = json::object();
        for (auto const& [k, x] : v.items())
            out[k] = from_wire(x);
        return out;
    }
    if (v.is_array()) {
        json out = json::array();
        for (auto const& x : v)
            out.push_back(from_wire(x));
        return out;
    }
    return v;
}

json make_typeof(std::string_view type) { return json{{"$typeof", type}}; }

std::string_view js_type_name(json const& v) noexcept
{
    if (v.is_object() && v.size() == 1) {
        auto it = v.find("$typeof");
        if (it != v.end() && it->is_string())
            return it->get_ref<std::string const&>();
    }
    // A Blob from a platform that delivers one where an ArrayBuffer is documented.
    if (v.is_object() && v.contains("$blob"))
        return "blob";
    // A typed array or DataView (a Node Buffer, say): not an ArrayBuffer either.
    if (is_typed_array(v))
        return "typedarray";
    switch (v.type()) {
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "number";
    case json::value_t::binary: return "arraybuffer";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    case json::value_t::null: return "null";
    default: return "undefined";
    }
}

std::string cut_utf8(std::string text, std::size_t max_bytes, std::string_view ellipsis)
{
    if (text.size() <= max_bytes)
        return text;
    auto at = max_bytes;
    while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xc0) == 0x80)
        --at; // a continuation byte: back to the start of its sequence
    text.resize(at);
    return text.append(ellipsis);
}

std::string brief(json const& v, std::size_t max_chars)
{
    return cut_utf8(to_wire(v).dump(-1, ' ', false, json::error_handler_t::replace), max_chars, "...");
}

} // namespace sockconf
