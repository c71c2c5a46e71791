// run_iut_bench: one `bench` command to an IUT instance, its reply read into a result.
#include <sockconf/bench/iut_bench.hpp>
#include <sockconf/bench/labels.hpp>
#include <sockconf/harness/driver.hpp>

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <ostream>
#include <stdexcept>
#include <tuple>

namespace sockconf::bench {

std::string_view to_string(iut_api a) noexcept { return a == iut_api::host ? "host" : "platform"; }

namespace {

long long to_ms(std::chrono::duration<double> d) { return std::llround(d.count() * 1000.0); }

[[noreturn]] void bad(std::string const& where, std::string const& why)
{
    throw std::invalid_argument("the bench reply's " + where + " " + why);
}

json const& member(json const& o, char const* key, std::string const& where)
{
    auto const it = o.find(key);
    if (it == o.end())
        bad(where + key, "is missing");
    return *it;
}

std::uint64_t count_of(json const& v, std::string const& where)
{
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
        bad(where, "must be a whole number >= 0, got " + v.dump());
    return v.get<std::uint64_t>();
}

double non_negative(json const& v, std::string const& where)
{
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0)
        bad(where, "must be a number >= 0, got " + v.dump());
    return v.get<double>();
}

} // namespace

json iut_bench_command(load_options const& o, iut_api api)
{
    json c = {{"op", "bench"},
              {"api", to_string(api)},
              {"transport", to_string(o.target.kind)},
              {"connections", o.connections},
              {"in_flight", o.in_flight},
              {"size", o.size},
              {"payload", to_string(o.payload)},
              {"warmup_ms", to_ms(o.warmup)},
              {"window_ms", to_ms(o.duration)},
              {"connect_timeout_ms", o.connect_timeout.count()}};
    if (o.target.kind == transport::ws)
        c["url"] = fmt::format("ws://{}:{}{}", o.target.host, o.target.port, o.target.path);
    else {
        c["address"] = o.target.host;
        c["port"] = o.target.port;
    }
    return c;
}

iut_bench_result read_iut_bench_reply(json const& v)
{
    if (!v.is_object())
        bad("value", "must be an object, got " + v.dump());
    iut_bench_result out;
    if (auto const u = v.find("unavailable"); u != v.end()) {
        if (!u->is_string() || u->get_ref<std::string const&>().empty())
            bad("unavailable", "must be a non-empty string, got " + u->dump());
        out.unavailable = u->get<std::string>();
        return out;
    }
    if (auto const e = v.find("error"); e != v.end()) // the loop could not set up its connections
        throw std::runtime_error("the IUT's loop: " + (e->is_string() ? e->get<std::string>() : e->dump()) +
                                 (v.contains("first_error") && v["first_error"].is_string()
                                      ? " (first error: " + v["first_error"].get<std::string>() + ")"
                                      : std::string()));
    auto& r = out.load;
    r.messages = count_of(member(v, "messages", ""), "messages");
    r.bytes = count_of(member(v, "bytes", ""), "bytes");
    r.duration_s = non_negative(member(v, "window_ms", ""), "window_ms") / 1000.0;
    if (auto const e = v.find("first_error"); e != v.end() && e->is_string())
        r.error = e->get<std::string>();
    auto const& h = member(v, "histogram", "");
    if (!h.is_object())
        bad("histogram", "must be an object, got " + h.dump());
    if (member(h, "sub_buckets", "histogram.") != latency_histogram::sub_buckets)
        bad("histogram.sub_buckets", fmt::format("must be {} (the harness's buckets), got {}",
                                                 latency_histogram::sub_buckets, h["sub_buckets"].dump()));
    auto const& buckets = member(h, "buckets", "histogram.");
    if (!buckets.is_array())
        bad("histogram.buckets", "must be an array of [index, count], got " + buckets.dump());
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        auto const where = fmt::format("histogram.buckets[{}]", i);
        auto const& b = buckets[i];
        if (!b.is_array() || b.size() != 2)
            bad(where, "must be [index, count], got " + b.dump());
        auto const index = count_of(b[0], where + "[0]");
        if (index >= latency_histogram::bucket_count() ||
            !r.latency.add_bucket(static_cast<unsigned>(index), count_of(b[1], where + "[1]")))
            bad(where + "[0]", fmt::format("must be below {}, got {}", latency_histogram::bucket_count(), index));
    }
    r.latency.note_max_ns(count_of(member(h, "max_ns", "histogram."), "histogram.max_ns"));
    if (r.latency.count() != r.messages)
        bad("histogram", fmt::format("counts {} latencies for {} messages", r.latency.count(), r.messages));
    if (auto const c = v.find("cpu"); c != v.end() && !c->is_null()) {
        if (!c->is_object())
            bad("cpu", "must be an object or null, got " + c->dump());
        double const used = non_negative(member(*c, "user_s", "cpu."), "cpu.user_s") +
                            non_negative(member(*c, "system_s", "cpu."), "cpu.system_s");
        if (r.duration_s > 0)
            out.iut_cpu = used / r.duration_s;
    }
    return out;
}

iut_bench_result run_iut_bench(harness::driver_factory& factory, load_options const& o, iut_api api)
{
    // The loop's own bounds, then the connect timeout again for closing its connections.
    auto const wait = std::chrono::duration_cast<std::chrono::milliseconds>(o.warmup + o.duration) + 2 * o.connect_timeout;
    auto d = factory.open([](json const&) {}, true);
    if (o.on_window_start)
        o.on_window_start();
    auto const r = d->execute(iut_bench_command(o, api), wait);
    if (o.on_window_end)
        o.on_window_end();
    switch (r.kind) {
    case harness::reply_kind::value:
        try {
            return read_iut_bench_reply(r.value);
        } catch (std::invalid_argument const& e) {
            throw std::runtime_error(e.what());
        }
    case harness::reply_kind::refused:
        throw std::runtime_error("the IUT refused the bench command: " + r.message +
                                 " (its adapter predates specs/adapter-protocol.md's \"bench\"?)");
    case harness::reply_kind::thrown:
        throw std::runtime_error("the bench command threw: " + r.value.dump());
    case harness::reply_kind::timeout:
    case harness::reply_kind::broken:
        break;
    }
    throw std::runtime_error("the bench command: " + r.message);
}

void print_iut_ratios(json const& results, std::ostream& out)
{
    std::map<std::tuple<std::string, std::string, std::size_t>, std::map<std::string, json const*>> table;
    for (auto const& r : results)
        if (r.value("scenario", "") == "iut" && r.contains("api"))
            table[{r["transport"], r["payload"], r["size"]}][r["api"]] = &r;
    if (table.empty())
        return;
    out << "\nthe platform's API against its host's own (msgs/s, medians; ratio platform/host):\n";
    auto const rate = [](json const* r) {
        return r->value("kind", "") == "throughput" ? rate_label(r->value("msgs_per_s", 0.0))
                                                    : std::string("unavailable");
    };
    for (auto const& [key, by_api] : table) {
        auto const& [transport, payload, size] = key;
        auto const p = by_api.find("platform"), h = by_api.find("host");
        std::string line = fmt::format("  {:<3} {:<6} {:>7}:", transport, payload, size_label(size));
        if (p != by_api.end())
            line += fmt::format("  platform {:>8}", rate(p->second));
        if (h != by_api.end())
            line += fmt::format("  host {:>8}", rate(h->second));
        if (p != by_api.end() && h != by_api.end() && p->second->value("kind", "") == "throughput" &&
            h->second->value("kind", "") == "throughput" && h->second->value("msgs_per_s", 0.0) > 0)
            line += fmt::format("  {:.2f}x", p->second->value("msgs_per_s", 0.0) / h->second->value("msgs_per_s", 0.0));
        out << line << "\n";
    }
}

} // namespace sockconf::bench
