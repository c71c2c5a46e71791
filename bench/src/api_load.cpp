// run_reference_load and run_driver_load: loads through an API, timed from the
// calling thread (the API's own thread does the work).
#include <sockconf/bench/api_load.hpp>
#include <sockconf/common/polling_wait.hpp>
#include <sockconf/harness/driver.hpp>
#include <sockconf/ref/runtime.hpp>
#include <sockconf/ref/socket_task.hpp>
#include <sockconf/ref/tcp_socket.hpp>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace sockconf::bench {

namespace {

using clock_type = std::chrono::steady_clock;

/// The size of a message as an API delivers it: a string, or an ArrayBuffer
/// (in memory, or in the wire form a driver carries).
std::size_t data_size(json const& v)
{
    if (v.is_string())
        return v.get_ref<std::string const&>().size();
    if (v.is_binary())
        return v.get_binary().size();
    if (v.is_object() && v.contains("$arraybuffer"))
        return array_buffer_bytes(from_wire(v)).size();
    return 0;
}

/// Counters of one run; guarded by `m` (the API's thread writes, the timing thread reads).
struct api_counters {
    std::mutex m;
    std::condition_variable changed;
    bool measuring = false;
    bool full = false; ///< max_messages reached
    std::uint64_t max_messages = 0;
    std::uint64_t messages = 0, bytes = 0, sent = 0;
    latency_histogram latency;
    std::string error;
    cpu_times cpu_start{};

    void fail(std::string const& what)
    {
        std::lock_guard lock(m);
        if (error.empty())
            error = what;
        changed.notify_all();
    }
};

/// Per connection: send times of the messages in flight (replies come in order).
struct flight {
    std::deque<clock_type::time_point> sent_at;
    std::uint64_t tcp_partial = 0; ///< bytes of the TCP message being received

    /// `n` replies completed at `now`; record them.
    void complete(api_counters& c, std::size_t n, std::size_t size, clock_type::time_point now)
    {
        std::lock_guard lock(c.m);
        for (std::size_t i = 0; i < n && !sent_at.empty(); ++i) {
            if (c.measuring) {
                c.latency.record(static_cast<std::uint64_t>((now - sent_at.front()).count()));
                ++c.messages;
                c.bytes += size;
            }
            sent_at.pop_front();
        }
        if (c.measuring && c.max_messages != 0 && c.messages >= c.max_messages) {
            c.full = true;
            c.changed.notify_all();
        }
    }
    void sending(api_counters& c, std::size_t n)
    {
        auto const now = clock_type::now();
        std::lock_guard lock(c.m);
        for (std::size_t i = 0; i < n; ++i)
            sent_at.push_back(now);
        if (c.measuring)
            c.sent += n;
    }
};

/// Warm up, open the window, wait for its end (time, count, or a failure that
/// stopped everything), close it; the counters become the result.
load_result timed_window(api_counters& c, load_options const& o)
{
    auto const stopped = [&] { return o.stop && o.stop->load(); };
    // Polling: Ctrl-C's flag (o.stop) is set by a signal handler, which cannot notify. The
    // warm-up waits on a condition nobody notifies, not on c.changed: waking on every echo
    // would cost the measured process work before its window.
    {
        std::mutex idle;
        std::condition_variable never;
        std::unique_lock lock(idle);
        wait_polling(never, lock, clock_type::now() + std::chrono::duration_cast<clock_type::duration>(o.warmup),
                     stopped);
    }
    if (o.on_window_start)
        o.on_window_start();
    std::unique_lock lock(c.m);
    c.measuring = true;
    c.messages = c.bytes = c.sent = 0;
    c.latency.reset();
    c.cpu_start = process_cpu_times();
    auto const start = clock_type::now();
    wait_polling(c.changed, lock, start + std::chrono::duration_cast<clock_type::duration>(o.duration),
                 [&] { return c.full || stopped(); });
    c.measuring = false;
    auto const end = clock_type::now();
    auto const cpu_end = process_cpu_times();
    load_result r;
    r.duration_s = std::chrono::duration<double>(end - start).count();
    r.messages = c.messages;
    r.bytes = c.bytes;
    r.sent = c.sent;
    r.latency = c.latency;
    r.error = c.error;
    r.client_cpu = r.duration_s > 0 ? (cpu_end.total() - c.cpu_start.total()) / r.duration_s : 0;
    lock.unlock();
    if (o.on_window_end)
        o.on_window_end();
    return r;
}

} // namespace

load_result run_reference_load(profile const& p, load_options const& o)
{
    unsigned conns = o.connections;
    if (o.target.kind == transport::ws && p.limits.max_concurrent_websockets > 0)
        conns = std::min<unsigned>(conns, static_cast<unsigned>(p.limits.max_concurrent_websockets));
    // What the callbacks use is declared before the runtime: the runtime goes first,
    // and no callback runs once it is gone.
    api_counters c;
    c.max_messages = o.max_messages;
    std::vector<flight> flights(conns);
    std::vector<std::shared_ptr<ref::socket_task>> tasks;
    std::vector<std::shared_ptr<ref::tcp_socket>> sockets;
    std::vector<ref::listener> keep; // listeners live as long as the sockets
    unsigned opened = 0;
    auto const bytes = payload_bytes(o.size, o.payload);
    json const message = o.payload == payload_kind::text ? json(bytes) : make_array_buffer(bytes);
    json const send_options = {{"data", message}};
    auto const url = "ws://" + o.target.host + ":" + std::to_string(o.target.port) + o.target.path;
    ref::runtime rt(p);
    // Sockets are released on the loop, whatever ends the run.
    struct release_on_loop {
        ref::runtime& rt;
        std::function<void()> fn;
        ~release_on_loop() { rt.run_sync(fn, std::chrono::seconds(5)); }
    } release{rt, [&] {
                  for (auto& t : tasks)
                      t->close({{"code", 1000}}, {});
                  for (auto& s : sockets)
                      s->close();
                  tasks.clear();
                  sockets.clear();
                  keep.clear();
              }};

    // onOpen / onConnect: count the connection, then fill its slots.
    auto opened_then = [&](auto send_n) {
        return std::make_shared<ref::function const>([&, send_n](json const&) {
            {
                std::lock_guard lock(c.m);
                ++opened;
                c.changed.notify_all();
            }
            send_n(o.in_flight);
        });
    };
    auto failed = [&] {
        return std::make_shared<ref::function const>(
            [&](json const& ev) { c.fail("onError: " + ev.value("errMsg", std::string())); });
    };
    bool const started = rt.run_sync(
        [&] {
            for (unsigned i = 0; i < conns; ++i) {
                auto* f = &flights[i];
                if (o.target.kind == transport::ws) {
                    auto task = rt.connect_socket({{"url", url}}, {});
                    auto* t = task.get();
                    auto send_n = [&c, f, t, &send_options](std::size_t n) {
                        f->sending(c, n);
                        for (std::size_t k = 0; k < n; ++k)
                            t->send(send_options, {});
                    };
                    auto on_open = opened_then(send_n);
                    auto on_message = std::make_shared<ref::function const>([&, f, send_n](json const& ev) {
                        auto const it = ev.find("data");
                        f->complete(c, 1, it == ev.end() ? 0 : data_size(*it), clock_type::now());
                        send_n(1);
                    });
                    auto on_error = failed();
                    task->on_open(on_open);
                    task->on_message(on_message);
                    task->on_error(on_error);
                    keep.insert(keep.end(), {on_open, on_message, on_error});
                    tasks.push_back(std::move(task));
                } else {
                    auto sock = rt.create_tcp_socket(json::object());
                    auto* s = sock.get();
                    auto send_n = [&c, f, s, &message](std::size_t n) {
                        f->sending(c, n);
                        for (std::size_t k = 0; k < n; ++k)
                            s->write(message);
                    };
                    auto on_connect = opened_then(send_n);
                    auto on_message = std::make_shared<ref::function const>([&, f, send_n](json const& ev) {
                        auto const it = ev.find("message");
                        f->tcp_partial += it == ev.end() ? 0 : data_size(*it);
                        std::size_t const n = f->tcp_partial / o.size;
                        f->tcp_partial %= o.size;
                        if (n == 0)
                            return;
                        f->complete(c, n, o.size, clock_type::now());
                        send_n(n);
                    });
                    auto on_error = failed();
                    sock->on(ref::tcp_event::connect, on_connect);
                    sock->on(ref::tcp_event::message, on_message);
                    sock->on(ref::tcp_event::error, on_error);
                    keep.insert(keep.end(), {on_connect, on_message, on_error});
                    sock->connect({{"address", o.target.host}, {"port", o.target.port}});
                    sockets.push_back(std::move(sock));
                }
            }
        },
        o.connect_timeout);
    if (!started)
        throw std::runtime_error("the reference runtime did not start the connections in time");
    {
        std::unique_lock lock(c.m);
        if (!c.changed.wait_for(lock, o.connect_timeout, [&] { return opened == conns || !c.error.empty(); }) ||
            opened != conns)
            throw std::runtime_error("the reference opened " + std::to_string(opened) + " of " + std::to_string(conns) +
                                     " connection(s) within " + std::to_string(o.connect_timeout.count()) + " ms" +
                                     (c.error.empty() ? "" : ": " + c.error));
    }
    return timed_window(c, o);
}

load_result run_driver_load(harness::driver_factory& factory, load_options const& o)
{
    if (o.target.kind != transport::ws)
        throw std::invalid_argument("the driver load is ws only");
    api_counters c;
    c.max_messages = o.max_messages;
    auto const timeout = o.connect_timeout;
    auto const url = "ws://" + o.target.host + ":" + std::to_string(o.target.port) + o.target.path;
    auto const bytes = payload_bytes(o.size, o.payload);
    json const data = o.payload == payload_kind::text ? json(bytes) : to_wire(make_array_buffer(bytes));
    json const send = {{"op", "call"}, {"this", {{"$ref", "t"}}}, {"fn", "send"}, {"args", {{{"data", data}}}}};

    struct instance {
        std::unique_ptr<harness::driver> d;
        flight f;
        std::size_t freed = 0; ///< replies not yet answered by a send (guarded by c.m)
        bool open = false;
    };
    std::vector<std::unique_ptr<instance>> inst;
    for (unsigned i = 0; i < o.connections; ++i) {
        auto in = std::make_unique<instance>();
        auto* p = in.get();
        in->d = factory.open(
            [&c, p, &o](json const& ev) {
                if (ev.value("op", "") != "invoke")
                    return;
                auto const fn = ev.value("fn", "");
                auto const arg = ev.contains("args") && !ev["args"].empty() ? ev["args"][0] : json();
                if (fn == "open") {
                    std::lock_guard lock(c.m);
                    p->open = true;
                    c.changed.notify_all();
                } else if (fn == "msg") {
                    auto const it = arg.find("data");
                    p->f.complete(c, 1, it == arg.end() ? 0 : data_size(*it), clock_type::now());
                    std::lock_guard lock(c.m);
                    ++p->freed;
                    c.changed.notify_all();
                } else if (fn == "err" || fn == "close") {
                    c.fail("on" + std::string(fn == "err" ? "Error" : "Close") + ": " + arg.dump());
                }
                (void)o;
            },
            true);
        auto const r = in->d->execute(
            {{"op", "batch"},
             {"commands",
              {{{"op", "call"}, {"fn", "wx.connectSocket"}, {"args", {{{"url", url}}}}, {"as", "t"}},
               {{"op", "call"}, {"this", {{"$ref", "t"}}}, {"fn", "onOpen"}, {"args", {{{"$fn", "open"}}}}},
               {{"op", "call"}, {"this", {{"$ref", "t"}}}, {"fn", "onMessage"}, {"args", {{{"$fn", "msg"}}}}},
               {{"op", "call"}, {"this", {{"$ref", "t"}}}, {"fn", "onError"}, {"args", {{{"$fn", "err"}}}}},
               {{"op", "call"}, {"this", {{"$ref", "t"}}}, {"fn", "onClose"}, {"args", {{{"$fn", "close"}}}}}}}},
            timeout);
        if (r.kind != harness::reply_kind::value)
            throw std::runtime_error("the IUT did not take wx.connectSocket: " + r.message + " " + r.value.dump());
        inst.push_back(std::move(in));
    }
    {
        std::unique_lock lock(c.m);
        if (!c.changed.wait_for(lock, timeout, [&] {
                for (auto& in : inst)
                    if (!in->open)
                        return !c.error.empty();
                return true;
            }))
            throw std::runtime_error("the IUT's sockets did not open within " + std::to_string(timeout.count()) + " ms");
        if (!c.error.empty())
            throw std::runtime_error("the IUT's socket failed: " + c.error);
        for (auto& in : inst)
            in->freed = o.in_flight; // the first sends
    }

    // The sender: each instance's freed slots go out as one batch of send() calls.
    std::atomic<bool> stop{false};
    std::thread sender([&] {
        json batch = {{"op", "batch"}, {"commands", json::array()}};
        while (!stop) {
            bool any = false;
            for (auto& in : inst) {
                std::size_t n;
                {
                    std::lock_guard lock(c.m);
                    n = in->freed;
                    in->freed = 0;
                }
                if (n == 0)
                    continue;
                any = true;
                batch["commands"] = json::array();
                for (std::size_t k = 0; k < n; ++k)
                    batch["commands"].push_back(send);
                in->f.sending(c, n);
                auto const r = in->d->execute(batch, timeout);
                if (r.kind != harness::reply_kind::value) {
                    c.fail("send: " + r.message + " " + r.value.dump());
                    return;
                }
            }
            if (!any) {
                std::unique_lock lock(c.m);
                c.changed.wait_for(lock, std::chrono::milliseconds(50), [&] {
                    if (stop)
                        return true;
                    for (auto& in : inst)
                        if (in->freed)
                            return true;
                    return false;
                });
            }
        }
    });
    auto r = timed_window(c, o);
    stop = true;
    c.changed.notify_all();
    sender.join();
    for (auto& in : inst)
        in->d->execute({{"op", "call"}, {"this", {{"$ref", "t"}}}, {"fn", "close"}, {"args", {{{"code", 1000}}}}},
                       timeout);
    return r;
}

} // namespace sockconf::bench
