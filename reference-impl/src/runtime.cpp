#include "detail/runtime_impl.hpp"

#include <boost/asio/post.hpp>

#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <stdexcept>

namespace sockconf::ref {

namespace asio = boost::asio;

// ---- detail helpers ---------------------------------------------------------

void detail::invoke_guarded(function const& fn, json const& arg) noexcept
{
    if (!fn)
        return;
    try {
        fn(arg);
    } catch (std::exception const& e) {
        std::fprintf(stderr, "sockconf-reference: uncaught exception in a callback: %s\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "sockconf-reference: uncaught exception in a callback\n");
    }
}

std::string detail::param_type_name(json const* v)
{
    if (v == nullptr || v->is_discarded())
        return "Undefined";
    if (is_array_buffer(*v))
        return "ArrayBuffer";
    switch (v->type()) {
    case json::value_t::null: return "Null";
    case json::value_t::boolean: return "Boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "Number";
    case json::value_t::string: return "String";
    case json::value_t::array: return "Array";
    default: return "Object";
    }
}

// ---- runtime::impl ------------------------------------------------------------

runtime::impl::impl(profile p, runtime_options opts)
    : profile_(std::move(p)), options_(std::move(opts)), work_(ctx_.get_executor())
{
    clock_ = options_.clock ? options_.clock : std::make_shared<virtual_clock>();
}

void runtime::impl::post(std::function<void()> fn) { asio::post(ctx_, std::move(fn)); }

void runtime::impl::post_result(callbacks const& cb, bool ok, json result)
{
    post([this, cb, ok, result = std::move(result)] {
        if (shutting_down_)
            return;
        detail::invoke_guarded(ok ? cb.success : cb.fail, result);
        detail::invoke_guarded(cb.complete, result);
    });
}

void runtime::impl::post_ok(callbacks const& cb, std::string_view api)
{
    post_result(cb, true, json{{"errMsg", std::string(api) + ":ok"}});
}

void runtime::impl::post_fail(callbacks const& cb, std::string_view api, std::string_view detail)
{
    post_result(cb, false, json{{"errMsg", std::string(api) + ":fail " + std::string(detail)}});
}

void runtime::impl::track(std::shared_ptr<detail::resource> r)
{
    std::erase_if(resources_, [](auto const& w) { return w.expired(); });
    resources_.push_back(std::move(r));
}

// ---- runtime ----------------------------------------------------------------

runtime::runtime(profile p, runtime_options opts) : impl_(std::make_unique<impl>(std::move(p), std::move(opts)))
{
    impl_->thread_ = std::thread([this] {
        // An exception escaping a handler must not kill the JS thread: report it
        // and keep running, as a JS runtime does with an uncaught error.
        for (;;) {
            try {
                impl_->ctx_.run();
                return;
            } catch (std::exception const& e) {
                std::fprintf(stderr, "sockconf-reference: uncaught exception on the loop: %s\n", e.what());
            } catch (...) {
                std::fprintf(stderr, "sockconf-reference: uncaught exception on the loop\n");
            }
        }
    });
    impl_->loop_id_ = impl_->thread_.get_id();
}

runtime::~runtime()
{
    if (on_loop_thread()) {
        // Joining ourselves cannot work; this is a programming error.
        std::fputs("sockconf-reference: runtime destroyed on its own loop thread\n", stderr);
        std::terminate();
    }
    auto& in = *impl_;
    // Abort every socket on the loop (so no handler races us), then stop: stop()
    // does not wait for pending handshakes or timers, so this returns promptly.
    asio::post(in.ctx_, [&in] {
        in.shutting_down_ = true;
        for (auto const& w : in.resources_)
            if (auto r = w.lock())
                r->abort_silently();
        in.ctx_.stop();
    });
    in.thread_.join();
    // The loop is gone: destroy I/O objects while their io_context still exists,
    // even for objects the user still holds.
    for (auto const& w : in.resources_)
        if (auto r = w.lock())
            r->release_io();
}

profile const& runtime::config() const noexcept { return impl_->profile_; }

virtual_clock& runtime::clock() noexcept { return *impl_->clock_; }

void runtime::post(std::function<void()> fn) { impl_->post(std::move(fn)); }

bool runtime::run_sync(std::function<void()> fn, std::chrono::milliseconds timeout)
{
    if (on_loop_thread())
        throw std::logic_error("runtime::run_sync called on the loop thread (it would wait for itself)");
    struct state {
        std::mutex mu;
        std::condition_variable cv;
        bool done = false;
        std::exception_ptr error;
    };
    auto st = std::make_shared<state>();
    impl_->post([st, fn = std::move(fn)] {
        std::exception_ptr error;
        try {
            fn();
        } catch (...) {
            error = std::current_exception();
        }
        std::lock_guard lk(st->mu);
        st->error = error;
        st->done = true;
        st->cv.notify_all();
    });
    std::unique_lock lk(st->mu);
    if (!st->cv.wait_for(lk, timeout, [&] { return st->done; }))
        return false;
    if (st->error)
        std::rethrow_exception(st->error); // the caller sees what fn threw
    return true;
}

bool runtime::on_loop_thread() const noexcept { return std::this_thread::get_id() == impl_->loop_id_; }

std::shared_ptr<socket_task> runtime::connect_socket(json const& options, callbacks cb)
{
    return detail::connect_socket(*impl_, options, std::move(cb));
}

// ---- legacy wx.* globals ------------------------------------------------------

namespace {
constexpr std::string_view global_not_connected = "WebSocket is not connected";
}

void runtime::send_socket_message(json const& options, callbacks cb)
{
    if (!impl_->current_ws_) {
        impl_->post_fail(cb, "sendSocketMessage", global_not_connected);
        return;
    }
    impl_->current_ws_->send(options, std::move(cb));
}

void runtime::close_socket(json const& options, callbacks cb)
{
    auto const& t = impl_->current_ws_;
    // D12: closing before onOpen "cannot be achieved": fail, the attempt goes on.
    if (!t || t->state() == ready_state::connecting) {
        impl_->post_fail(cb, "closeSocket", global_not_connected);
        return;
    }
    t->close(options, std::move(cb));
}

namespace {
void add_global(runtime::impl& in, detail::ws_event e, listener l)
{
    if (l)
        in.ws_globals_[static_cast<std::size_t>(e)].push_back(std::move(l));
}
} // namespace

void runtime::on_socket_open(listener l) { add_global(*impl_, detail::ws_event::open, std::move(l)); }
void runtime::on_socket_message(listener l) { add_global(*impl_, detail::ws_event::message, std::move(l)); }
void runtime::on_socket_error(listener l) { add_global(*impl_, detail::ws_event::error, std::move(l)); }
void runtime::on_socket_close(listener l) { add_global(*impl_, detail::ws_event::close, std::move(l)); }

std::shared_ptr<tcp_socket> runtime::create_tcp_socket(json const& options)
{
    auto& in = *impl_;
    auto const now = in.now();
    auto const window = std::chrono::milliseconds(in.profile_.limits.tcp_create_window_ms);
    while (!in.tcp_creations_.empty() && now - in.tcp_creations_.front() >= window)
        in.tcp_creations_.pop_front();
    if (in.tcp_creations_.size() >= std::size_t(in.profile_.limits.tcp_create_max))
        throw js_error("[TCPSocket] created too much.");
    in.tcp_creations_.push_back(now);
    return detail::make_tcp_socket(in, options);
}

std::size_t runtime::live_websockets() const noexcept { return impl_->live_ws_.load(); }

} // namespace sockconf::ref
