#include <sockconf/common/json_reader.hpp>

namespace sockconf {

namespace {
std::string escape_pointer_token(std::string_view key)
{
    std::string out;
    for (char c : key) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}
} // namespace

std::string describe_found(json const& v)
{
    return "got " + std::string(js_type_name(v)) + " " + brief(v, 60);
}

json_reader::json_reader(json const& value, std::string file, std::string pointer)
    : json_reader(&value, std::make_shared<std::string const>(std::move(file)), std::move(pointer))
{
}

json_reader::json_reader(json const* value, std::shared_ptr<std::string const> file,
                         std::string pointer)
    : value_(value), file_(std::move(file)), pointer_(std::move(pointer))
{
}

void json_reader::fail(std::string id, std::string detail) const
{
    throw spec_error(std::move(id), *file_, pointer_.empty() ? "/" : pointer_, std::move(detail));
}

json_reader const& json_reader::expect_object() const
{
    if (!value_->is_object())
        fail("E-TYPE", "expected an object, " + describe_found(*value_));
    return *this;
}

json_reader const& json_reader::expect_array() const
{
    if (!value_->is_array())
        fail("E-TYPE", "expected an array, " + describe_found(*value_));
    return *this;
}

json_reader json_reader::at(std::string_view key) const
{
    expect_object();
    auto it = value_->find(key);
    if (it == value_->end())
        fail("E-MISSING", "required member \"" + std::string(key) + "\" is missing");
    return {&*it, file_, pointer_ + "/" + escape_pointer_token(key)};
}

std::optional<json_reader> json_reader::find(std::string_view key) const
{
    expect_object();
    auto it = value_->find(key);
    if (it == value_->end())
        return std::nullopt;
    return json_reader{&*it, file_, pointer_ + "/" + escape_pointer_token(key)};
}

json_reader json_reader::at(std::size_t index) const
{
    expect_array();
    return {&(*value_)[index], file_, pointer_ + "/" + std::to_string(index)};
}

std::string json_reader::string() const
{
    if (!value_->is_string())
        fail("E-TYPE", "expected a string, " + describe_found(*value_));
    return value_->get<std::string>();
}

std::string json_reader::non_empty_string() const
{
    auto s = string();
    if (s.empty())
        fail("E-EMPTY", "expected a non-empty string");
    return s;
}

std::int64_t json_reader::integer() const
{
    if (!value_->is_number_integer())
        fail("E-TYPE", "expected an integer, " + describe_found(*value_));
    return value_->get<std::int64_t>();
}

std::int64_t json_reader::integer_in(std::int64_t lo, std::int64_t hi) const
{
    auto v = integer();
    if (v < lo || v > hi)
        fail("E-RANGE", "expected an integer from " + std::to_string(lo) + " to " +
                            std::to_string(hi) + ", got " + std::to_string(v));
    return v;
}

bool json_reader::boolean() const
{
    if (!value_->is_boolean())
        fail("E-TYPE", "expected true or false, " + describe_found(*value_));
    return value_->get<bool>();
}

void json_reader::only_keys(std::initializer_list<std::string_view> allowed) const
{
    expect_object();
    for (auto const& [k, v] : value_->items()) {
        bool ok = false;
        for (auto a : allowed)
            ok = ok || a == k;
        if (!ok) {
            std::string list;
            for (auto a : allowed)
                list += (list.empty() ? "" : ", ") + std::string(a);
            at(k).fail("E-UNKNOWN-KEY", "unknown member \"" + k + "\" (allowed: " + list + ")");
        }
    }
}

} // namespace sockconf
