#include <sockconf/harness/driver.hpp>

namespace sockconf::harness {

namespace {
reply plain_reply(json const& r)
{
    if (!r.is_object() || !r.contains("ok") || !r["ok"].is_boolean())
        return {reply_kind::broken, {}, "not a reply: " + brief(r, 200)};
    if (r["ok"].get<bool>())
        return {reply_kind::value, r.value("value", json()), {}};
    if (r.contains("thrown"))
        return {reply_kind::thrown, r["thrown"], {}};
    if (r.contains("error") && r["error"].is_string())
        return {reply_kind::refused, {}, r["error"].get<std::string>()};
    return {reply_kind::broken, {}, "a failed reply without \"thrown\" or \"error\": " + brief(r, 200)};
}
} // namespace

reply reply_from_json(json const& r)
{
    auto out = plain_reply(r);
    out.promise = r.is_object() && r.value("promise", json(false)) == true;
    return out;
}

} // namespace sockconf::harness
