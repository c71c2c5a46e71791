// The listeners of one API object, and the JS rules of delivering an event to
// them. Shared by SocketTask and TCPSocket.
#pragma once

#include "runtime_impl.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

namespace sockconf::ref::detail {

template <class Event, std::size_t N>
class event_listeners {
public:
    /// `close`: the event after which nothing more is delivered.
    explicit event_listeners(Event close) : close_(close) {}

    void add(Event e, listener l)
    {
        if (l)
            lists_[index(e)].push_back(std::move(l));
    }

    /// Every registration of the same function object; nullptr removes all.
    void remove(Event e, listener const& l)
    {
        auto& v = lists_[index(e)];
        if (!l)
            v.clear();
        else
            std::erase(v, l);
    }

    /// Deliver `e` now (from a posted task): to the listeners registered at this
    /// moment, in order (a snapshot: one removed during dispatch still gets it);
    /// nothing of the connection once the close event was delivered — only
    /// events that answer a call made later (`answers_call`: an onError for a
    /// write after close). Returns whether it was delivered.
    bool dispatch(Event e, json const& payload, bool answers_call = false)
    {
        if (close_delivered_ && !answers_call)
            return false;
        if (e == close_)
            close_delivered_ = true;
        auto const snapshot = lists_[index(e)];
        for (auto const& l : snapshot)
            if (l && *l)
                invoke_guarded(*l, payload);
        return true;
    }

private:
    static std::size_t index(Event e) { return static_cast<std::size_t>(e); }

    Event const close_;
    bool close_delivered_ = false;
    std::array<std::vector<listener>, N> lists_;
};

} // namespace sockconf::ref::detail
