// What the names a case chose stand for. Callbacks (<base>.success, .fail,
// .complete, .threw) belong to the call that was given them; listeners to the
// on* method that registered them. Reports use the meaning, not the name, so
// that "closed" in one case and "c" in another read as the same
// "SocketTask.onClose listener".
#pragma once

#include <sockconf/harness/invariants.hpp>
#include <sockconf/harness/test_case.hpp>

#include <map>
#include <string>
#include <vector>

namespace sockconf::harness::detail {

class case_names {
public:
    /// A call whose result is named `base` ("task", "step3") was made on `api`
    /// ("wx.connectSocket", "SocketTask.send").
    void add_call(std::string const& base, std::string const& api);
    /// It was given success/fail/complete (the invariants check those).
    void add_callbacks(callback_call c);
    void add_listener(listener_registration l);

    std::vector<callback_call> const& calls() const noexcept { return calls_; }
    std::vector<listener_registration> const& listeners() const noexcept { return listeners_; }

    /// "wx.connectSocket success", "SocketTask.onOpen listener", "wx.connectSocket
    /// threw"; the name itself (quoted) when it means nothing known.
    std::string meaning(std::string const& name) const;
    /// The meanings of `names`, joined with " or ".
    std::string meaning(name_list const& names) const;

private:
    std::map<std::string, std::string> api_of_base_;
    std::vector<callback_call> calls_;
    std::vector<listener_registration> listeners_;
};

} // namespace sockconf::harness::detail
