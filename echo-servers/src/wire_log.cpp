#include <sockconf/echo/wire_log.hpp>

#include <sockconf/common/utf8.hpp>

#include <algorithm>
#include <map>

namespace sockconf::echo {

std::string_view to_string(conn_end e) noexcept
{
    switch (e) {
    case conn_end::open: return "open";
    case conn_end::client_closed: return "client_closed";
    case conn_end::server_closed: return "server_closed";
    case conn_end::rejected: return "rejected";
    case conn_end::dropped: return "dropped";
    case conn_end::server_dropped: return "server_dropped";
    case conn_end::server_reset: return "server_reset";
    case conn_end::error: return "error";
    }
    return "unknown";
}

namespace {

// Length of the UTF-8 sequence starting with `lead`, 0 for a byte that cannot
// start one.
std::size_t utf8_seq_len(unsigned char lead) noexcept
{
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 0;
}

// A text head cut at 4 KiB may end inside a character: drop that partial tail so
// a valid text message still reports as text.
std::string_view trim_partial_tail(std::string_view s) noexcept
{
    for (std::size_t back = 1; back <= 3 && back <= s.size(); ++back) {
        auto const c = static_cast<unsigned char>(s[s.size() - back]);
        if ((c & 0xC0) == 0x80)
            continue; // continuation byte; keep looking for the lead
        std::size_t const n = utf8_seq_len(c);
        if (n > back)
            return s.substr(0, s.size() - back);
        break;
    }
    return s;
}

json head_to_json(wire_message const& m)
{
    if (!m.binary) {
        std::string_view text = m.head;
        if (m.size > m.head.size())
            text = trim_partial_tail(text);
        if (is_utf8(text))
            return std::string(text);
    }
    return to_wire(make_array_buffer(m.head));
}

} // namespace

json wire_text(std::string const& s)
{
    return is_utf8(s) ? json(s) : to_wire(make_array_buffer(s));
}

json wire_headers(header_fields const& headers)
{
    // Repeats joined before the UTF-8 check: the value is what HTTP makes of them.
    std::map<std::string_view, std::string> joined;
    headers.for_each([&joined](std::string_view name, std::string_view value) {
        auto const [it, added] = joined.try_emplace(name, value);
        if (!added)
            it->second.append(", ").append(value);
    });
    json out = json::object();
    // Names are HTTP tokens, ASCII (Beast's parser accepts nothing else; the
    // base64 fallback only keeps a hand-made record serialisable). Values may
    // hold any byte but CTLs (obs-text).
    for (auto const& [name, value] : joined) {
        std::string const key(name);
        out[is_utf8(key) ? key : base64_encode(key)] = wire_text(value);
    }
    return out;
}

json wire_record::to_json() const
{
    json msgs = json::array();
    for (auto const& m : messages)
        msgs.push_back({{"binary", m.binary}, {"size", m.size}, {"head", head_to_json(m)}});
    // Text from the network may be any bytes: a string when it is UTF-8, else
    // the bytes themselves, never a substitute.
    auto const& safe = wire_text;
    json protocols = json::array();
    for (auto const& p : offered_protocols)
        protocols.push_back(safe(p));
    json const headers = wire_headers(request_headers);
    bool const ws = kind == transport::websocket;
    return json{
        {"id", id},
        {"kind", kind == transport::websocket ? "websocket" : "tcp"},
        {"tls", tls},
        {"tag", safe(tag)},
        {"behaviour", behaviour},
        {"target", safe(target)},
        {"remote_address", remote_address},
        {"remote_port", remote_port},
        {"local_port", local_port},
        {"request_headers", headers},
        {"offered_protocols", protocols},
        {"messages", msgs},
        {"messages_received", messages_received},
        {"bytes_received", bytes_received},
        // TCP only: not measured on a WebSocket connection, so null rather than 0 / empty.
        {"head", ws ? json(nullptr) : to_wire(make_array_buffer(head))},
        {"bytes_sent", ws ? json(nullptr) : json(bytes_sent)},
        {"pings_sent", pings_sent},
        {"pongs_received", pongs_received},
        {"pings_received", pings_received},
        {"close_received", close_received},
        {"close_code", close_code ? json(*close_code) : json(nullptr)},
        {"close_reason", safe(close_reason)},
        {"close_sent", close_sent},
        {"sent_close_code", sent_close_code ? json(*sent_close_code) : json(nullptr)},
        {"tls_close_notify", tls_close_notify ? json(*tls_close_notify) : json(nullptr)},
        {"http_status", http_status},
        {"end", std::string(to_string(end))},
        {"error", safe(error)},
        {"opened_ms", opened_ms},
        {"closed_ms", closed_ms},
    };
}

wire_log::wire_log(std::size_t max_records)
    : max_records_(max_records), epoch_(std::chrono::steady_clock::now())
{
}

double wire_log::now_ms() const
{
    using ms = std::chrono::duration<double, std::milli>;
    return std::chrono::duration_cast<ms>(std::chrono::steady_clock::now() - epoch_).count();
}

void wire_log::count(std::string const& tag, bool was_open, bool is_open)
{
    if (was_open == is_open)
        return;
    auto& c = open_[tag];
    if (is_open) {
        ++c.now;
        c.peak = std::max(c.peak, c.now);
    } else if (c.now > 0) {
        --c.now;
    }
}

void wire_log::ended(std::uint64_t id)
{
    if (max_records_ == 0)
        return; // nothing is ever evicted: no queue
    ended_.push_back(id);
    evict();
}

// Oldest ended first, until the log is within max_records_ or only open
// records (live connections) are left.
void wire_log::evict()
{
    while (max_records_ != 0 && records_.size() > max_records_ && !ended_.empty()) {
        auto const id = ended_.front();
        ended_.pop_front();
        auto const it = records_.find(id);
        if (it == records_.end() || it->second.end == conn_end::open)
            continue; // reopened by an update: queued again when it ends again
        auto const c = open_.find(it->second.tag);
        if (c != open_.end() && --c->second.records == 0 && c->second.now == 0)
            open_.erase(c); // no record of the tag left: its counts go too, so tags do not pile up
        records_.erase(it);
        ++evicted_;
    }
}

std::uint64_t wire_log::add(wire_record r)
{
    std::lock_guard lock(mu_);
    r.id = next_id_++;
    r.opened_ms = now_ms();
    auto const id = r.id;
    auto const& added = records_.emplace(id, std::move(r)).first->second;
    ++open_[added.tag].records; // a tag seen has a peak, even of 0
    bool const open = added.end == conn_end::open;
    count(added.tag, false, open);
    if (!open)
        ended(id);
    else
        evict(); // room for the new one, from the ended ones
    return id;
}

void wire_log::after_update(std::uint64_t id, wire_record& r, update_before const& before)
{
    r.id = id; // ids are the log's, not the caller's
    bool const was_open = before.was_open;
    bool const is_open = r.end == conn_end::open;
    if (r.tag != before.tag) {
        ++open_[r.tag].records;
        count(before.tag, was_open, false);
        count(r.tag, false, is_open);
        auto const c = open_.find(before.tag);
        if (c != open_.end() && --c->second.records == 0 && c->second.now == 0)
            open_.erase(c);
    } else {
        count(r.tag, was_open, is_open);
    }
    if (was_open && !is_open)
        ended(id); // may evict r itself: nothing touches it below
}

void wire_log::finish(std::uint64_t id, conn_end how, std::string error)
{
    std::lock_guard lock(mu_);
    auto const it = records_.find(id);
    if (it == records_.end())
        return;
    auto& r = it->second;
    bool const was_open = r.end == conn_end::open;
    if (r.end == conn_end::open)
        r.end = how;
    count(r.tag, was_open, r.end == conn_end::open);
    // The first end wins, for the time as for the cause: later calls come from
    // the teardown of a connection that had already ended.
    if (r.closed_ms == 0)
        r.closed_ms = std::max(now_ms(), 1e-6);
    if (!error.empty() && r.error.empty())
        r.error = std::move(error);
    if (was_open && r.end != conn_end::open)
        ended(id); // last: may evict r
}

std::size_t wire_log::size() const
{
    std::lock_guard lock(mu_);
    return records_.size();
}

std::uint64_t wire_log::evicted() const
{
    std::lock_guard lock(mu_);
    return evicted_;
}

namespace {
bool in_family(std::string const& t, std::string const& tag)
{
    return t.size() >= tag.size() && t.compare(0, tag.size(), tag) == 0 &&
           (t.size() == tag.size() || t[tag.size()] == '-');
}

// Copies of the records `keep` selects, in id order (records_ is hashed).
template <class Map, class Keep>
std::vector<wire_record> copy_in_id_order(Map const& records, Keep keep)
{
    std::vector<wire_record const*> picked;
    for (auto const& [id, r] : records)
        if (keep(r))
            picked.push_back(&r);
    std::sort(picked.begin(), picked.end(), [](auto a, auto b) { return a->id < b->id; });
    std::vector<wire_record> out;
    out.reserve(picked.size());
    for (auto const* r : picked)
        out.push_back(*r);
    return out;
}
} // namespace

std::vector<wire_record> wire_log::by_tag(std::string const& tag) const
{
    std::lock_guard lock(mu_);
    return copy_in_id_order(records_, [&](wire_record const& r) { return r.tag == tag; });
}

std::vector<wire_record> wire_log::by_tag_family(std::string const& tag) const
{
    std::lock_guard lock(mu_);
    return copy_in_id_order(records_, [&](wire_record const& r) { return in_family(r.tag, tag); });
}

std::vector<std::uint64_t> wire_log::open_ids_of_family(std::string const& tag) const
{
    std::lock_guard lock(mu_);
    std::vector<std::uint64_t> out;
    for (auto const& [id, r] : records_)
        if (r.end == conn_end::open && in_family(r.tag, tag))
            out.push_back(id);
    return out;
}

std::size_t wire_log::forget_tag_family(std::string const& tag)
{
    std::lock_guard lock(mu_);
    std::size_t gone = 0;
    for (auto it = records_.begin(); it != records_.end();) {
        if (it->second.end == conn_end::open || !in_family(it->second.tag, tag)) {
            ++it;
            continue;
        }
        // Its id may still wait in ended_: evict() skips ids no longer held.
        auto const c = open_.find(it->second.tag);
        if (c != open_.end() && --c->second.records == 0 && c->second.now == 0)
            open_.erase(c);
        it = records_.erase(it);
        ++gone;
    }
    // The queue would otherwise keep every forgotten id (evict() drains it only
    // while the log is over max_records_): drop them once they are most of it.
    if (ended_.size() > 2 * records_.size() + 64)
        std::erase_if(ended_, [this](std::uint64_t id) { return !records_.contains(id); });
    return gone;
}

std::vector<wire_record> wire_log::all() const
{
    std::lock_guard lock(mu_);
    return copy_in_id_order(records_, [](wire_record const&) { return true; });
}

std::size_t wire_log::open_count(std::string const& tag) const
{
    std::lock_guard lock(mu_);
    auto const it = open_.find(tag);
    return it == open_.end() ? 0 : it->second.now;
}

std::size_t wire_log::peak_open(std::string const& tag) const
{
    std::lock_guard lock(mu_);
    auto const it = open_.find(tag);
    return it == open_.end() ? 0 : it->second.peak;
}

} // namespace sockconf::echo
