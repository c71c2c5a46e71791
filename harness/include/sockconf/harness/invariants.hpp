// The global invariants checked on every trace (suites/README.md,
// "Invariants checked on every case"), whatever the case says.
#pragma once

#include <sockconf/common/value.hpp>
#include <sockconf/harness/api_catalog.hpp>

#include <string>
#include <vector>

namespace sockconf::harness {

/// A call made with success/fail/complete named `<base>.success` etc.
struct callback_call {
    std::string base;
    std::string where; ///< file#pointer of the step
};

/// A listener function registered on an object.
struct listener_registration {
    std::string fn;     ///< the harness's name of the function
    std::string handle; ///< the object's handle id
    std::string cls;    ///< its class
    std::string event;  ///< the event it listens to ("open", "close", ...)
};

struct violation {
    std::string id;      ///< INV-...
    std::string message; ///< what happened, with seq numbers from the trace
};

/// All violations in `entries`, in the order of the rules.
std::vector<violation> check_invariants(std::vector<json> const& entries,
                                        std::vector<callback_call> const& calls,
                                        std::vector<listener_registration> const& listeners,
                                        api_catalog const& api);

} // namespace sockconf::harness
