#include "adapter_link.hpp"

#include <sockconf/common/polling_wait.hpp>
#include <sockconf/common/json_member.hpp>
#include <sockconf/common/utf8.hpp>

namespace sockconf::harness::detail {

namespace {
constexpr int protocol_version = 1;
constexpr std::size_t log_keep = 2048; // the end of the IUT's log messages shown with an error
}

adapter_link::adapter_link(std::function<bool(std::string const&)> write, std::function<std::string()> context,
                           adapter_limits limits)
    // What the transport knows (a process's stderr) is the IUT's bytes, any bytes: made
    // UTF-8 here, so that every message built from it can be a JSON string and XML text.
    : write_(std::move(write)),
      context_([context = std::move(context)] { return context ? valid_utf8(context()) : std::string(); }),
      sink_([](json const&) {}), limits_(limits)
{
}

std::string adapter_link::log_tail() const
{
    return logs_.empty() ? "" : "\nIUT log (end):\n" + logs_;
}

void adapter_link::deliver(json const& event)
{
    std::lock_guard lk(sink_mu_);
    sink_(event);
}

void adapter_link::violation(std::string why)
{
    {
        std::lock_guard lk(mu_);
        if (dead_)
            return; // the first violation is the case's error; what follows is its consequence
        why += log_tail();
        dead_ = why;
    }
    cv_.notify_all();
    // The case sees it as a malformed event and ends as ERROR, with `why` (and what the
    // transport knows: the end of stderr) in its trace and its message.
    deliver(json{{"op", "adapter-error"}, {"text", why + context_()}});
}

void adapter_link::on_too_long(std::string const& where)
{
    violation("E-ADAPTER-TOO-LONG: " + where + ": a message longer than " + std::to_string(limits_.message_max_bytes) +
              " bytes (adapter_message_max_bytes of the settings); dropped unread");
}

void adapter_link::on_message(std::string const& text, std::string const& where)
{
    try {
        handle(text, where);
    } catch (std::exception const& e) {
        violation("E-ADAPTER-MESSAGE: " + where + ": sockconf could not handle it (" + e.what() +
                  "): " + valid_utf8(text.substr(0, 200)));
    }
}

void adapter_link::handle(std::string const& text, std::string const& where_)
{
    {
        std::lock_guard lk(mu_);
        if (dead_)
            return;
    }
    if (text.size() > limits_.message_max_bytes)
        return on_too_long(where_);
    auto const where = where_ + ": ";
    json m = json::parse(text, nullptr, false);
    if (m.is_discarded() || !m.is_object())
        return violation("E-ADAPTER-SYNTAX: " + where + "not a JSON object: " + valid_utf8(text.substr(0, 200)));
    // Any member may have any type (string_member; found by fuzz/adapter_line).
    auto const type = string_member(m, "type");
    if (type == "log" && !(m.contains("text") && m["text"].is_string()))
        return violation("E-ADAPTER-MESSAGE: " + where + "a log needs text (string): " + brief(m, 200));
    if (type == "hello") {
        if (m.value("protocol", json()) != protocol_version)
            return violation("E-ADAPTER-VERSION: " + where + "the IUT speaks protocol " +
                             brief(m.value("protocol", json()), 20) + "; this sockconf speaks " +
                             std::to_string(protocol_version));
        if (!m.contains("name") || !m["name"].is_string() || !m.contains("capabilities") ||
            !m["capabilities"].is_array())
            return violation("E-ADAPTER-MESSAGE: " + where + "a hello needs name (string) and capabilities (array): " +
                             brief(m, 200));
        m.erase("type");
        {
            std::lock_guard lk(mu_);
            hello_ = std::move(m);
        }
        cv_.notify_all();
    } else if (type == "reply") {
        if (!m.contains("id") || !m["id"].is_number_integer())
            return violation("E-ADAPTER-MESSAGE: " + where + "a reply without an integer id: " + brief(m, 200));
        auto const id = m["id"].get<std::int64_t>();
        bool pending = false;
        {
            std::lock_guard lk(mu_);
            pending = id == next_id_ && !replies_.count(id);
            if (pending) {
                m.erase("type");
                m.erase("id");
                replies_[id] = std::move(m);
            }
        }
        if (!pending)
            return violation("E-ADAPTER-MESSAGE: " + where + "a reply to no pending command (id " + std::to_string(id) + ")");
        cv_.notify_all();
    } else if (type == "event" || type == "log") {
        bool flood = false;
        {
            std::lock_guard lk(mu_);
            flood = ++events_ > limits_.case_events_max;
            if (type == "log" && !flood) {
                logs_ += string_member(m, "text").substr(0, log_keep) + "\n";
                if (logs_.size() > log_keep)
                    logs_.erase(0, logs_.size() - log_keep);
            }
        }
        if (flood)
            return violation("E-ADAPTER-FLOOD: " + where + "more than " + std::to_string(limits_.case_events_max) +
                             " events and logs in one case (adapter_case_events_max of the settings); the rest are dropped");
        if (type == "event") {
            m.erase("type");
            deliver(m); // the case runner checks the invoke's shape
        } else {
            deliver(json{{"op", "log"}, {"text", string_member(m, "text")}});
        }
    } else {
        violation("E-ADAPTER-MESSAGE: " + where + "unknown message type " + brief(m.value("type", json()), 40));
    }
}

void adapter_link::on_closed(std::string const& why)
{
    {
        std::lock_guard lk(mu_);
        if (!dead_)
            dead_ = why + log_tail();
    }
    cv_.notify_all();
}

bool adapter_link::wait_hello(std::chrono::milliseconds timeout)
{
    std::unique_lock lk(mu_);
    cv_.wait_for(lk, timeout, [&] { return hello_ || dead_; });
    return hello_.has_value();
}

json adapter_link::hello() const
{
    std::lock_guard lk(mu_);
    if (hello_)
        return *hello_;
    return json{{"error", dead_.value_or("E-ADAPTER-TIMEOUT: no hello") + context_()}};
}

void adapter_link::set_sink(event_sink sink)
{
    std::scoped_lock lk(sink_mu_, mu_);
    sink_ = sink ? std::move(sink) : [](json const&) {};
    events_ = 0;
}

reply adapter_link::request(json message, std::chrono::milliseconds timeout)
{
    std::unique_lock wlk(write_mu_);
    std::unique_lock lk(mu_);
    if (dead_)
        return {reply_kind::broken, {}, *dead_ + context_()};
    auto const id = ++next_id_;
    message["id"] = id;
    lk.unlock();
    bool const written = write_(message.dump(-1, ' ', false, json::error_handler_t::replace));
    wlk.unlock();
    lk.lock();
    if (!written) {
        if (!dead_)
            dead_ = "E-ADAPTER-EXIT: cannot send to the IUT: it is gone";
        return {reply_kind::broken, {}, *dead_ + context_()};
    }
    // Polling: Ctrl-C's flag is set by a signal handler, which cannot notify.
    auto const interrupted = [&] { return limits_.interrupted && limits_.interrupted->load(); };
    wait_polling(cv_, lk, std::chrono::steady_clock::now() + timeout,
                 [&] { return replies_.count(id) || dead_ || interrupted(); });
    if (!replies_.count(id) && !dead_ && interrupted())
        return {reply_kind::timeout, {}, "interrupted"};
    if (!replies_.count(id) && !dead_)
        return {reply_kind::timeout, {}, "E-ADAPTER-TIMEOUT: no reply to command " + std::to_string(id) + " within " +
                                             std::to_string(timeout.count()) + " ms" + log_tail() + context_()};
    if (auto it = replies_.find(id); it != replies_.end()) {
        auto r = reply_from_json(it->second);
        replies_.erase(it);
        if (r.kind == reply_kind::refused || r.kind == reply_kind::broken) // an ERROR of the case: with the IUT's last words
            r.message += log_tail() + context_();
        return r;
    }
    return {reply_kind::broken, {}, *dead_ + context_()};
}

reply adapter_link::execute(json const& command, std::chrono::milliseconds timeout)
{
    return request(json{{"type", "command"}, {"command", command}}, timeout);
}

reply adapter_link::reset(std::chrono::milliseconds timeout) { return request(json{{"type", "reset"}}, timeout); }

void adapter_link::bye()
{
    std::lock_guard lk(write_mu_);
    write_(json{{"type", "bye"}}.dump());
}

std::optional<std::string> adapter_link::dead() const
{
    std::lock_guard lk(mu_);
    return dead_;
}

} // namespace sockconf::harness::detail
