#include <sockconf/harness/trace.hpp>

#include <sockconf/common/polling_wait.hpp>

#include <algorithm>
#include <cmath>

namespace sockconf::harness {

trace::trace() : start_(clock::now()) {}

double trace::elapsed_ms() const
{
    return std::chrono::duration<double, std::milli>(clock::now() - start_).count();
}

std::size_t trace::append(json entry)
{
    std::size_t seq;
    {
        std::lock_guard lock(mu_);
        seq = entries_.size() + 1;
        json e = {{"seq", seq}, {"t_ms", std::round(elapsed_ms() * 1000) / 1000}};
        e.update(entry);
        entries_.push_back(std::move(e));
    }
    cv_.notify_all();
    return seq;
}

std::size_t trace::size() const
{
    std::lock_guard lock(mu_);
    return entries_.size();
}

void trace::insert(std::size_t pos, std::vector<json> entries)
{
    {
        std::lock_guard lock(mu_);
        pos = std::min(pos, entries_.size());
        auto const t = pos < entries_.size() ? entries_[pos]["t_ms"] : json(std::round(elapsed_ms() * 1000) / 1000);
        for (auto& e : entries) {
            json x = {{"seq", 0}, {"t_ms", t}};
            x.update(e);
            e = std::move(x);
        }
        entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(pos), std::make_move_iterator(entries.begin()),
                        std::make_move_iterator(entries.end()));
        for (std::size_t i = 0; i < entries_.size(); ++i)
            entries_[i]["seq"] = i + 1;
    }
    cv_.notify_all();
}

std::vector<json> trace::snapshot() const
{
    std::lock_guard lock(mu_);
    return entries_;
}

bool trace::wait_until(std::function<bool(std::vector<json> const&)> const& pred,
                       clock::time_point deadline) const
{
    // Polling: `pred` may also test what no append signals (Ctrl-C's flag).
    std::unique_lock lock(mu_);
    return wait_polling(cv_, lock, deadline, [&] { return pred(entries_); });
}

std::vector<json const*> invocations(std::vector<json> const& entries, std::string const& fn)
{
    std::vector<json const*> out;
    for (auto const& e : entries)
        if (e.value("type", "") == "invoke" && e.value("fn", "") == fn)
            out.push_back(&e);
    return out;
}

} // namespace sockconf::harness
