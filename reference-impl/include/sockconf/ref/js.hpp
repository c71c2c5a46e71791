// The JS vocabulary of the reference: values, functions and callbacks.
//
// The API lives in a JavaScript runtime. The reference models that with one
// event loop per runtime (see runtime.hpp): every API call and every callback
// runs on the loop thread, and a callback never runs inside the call that
// caused it.
#pragma once

#include <sockconf/common/value.hpp>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace sockconf::ref {

/// A JS function taking one object argument.
using function = std::function<void(json const&)>;

/// A listener is a function *object*: off* compares identity (the pointer),
/// as JS compares function objects.
using listener = std::shared_ptr<function const>;

/// success / fail / complete of an object-parameter call. Empty ones are not called.
/// Contract: exactly one of success or fail, then complete, all asynchronous,
/// each with {errMsg: "<api>:ok"} or {errMsg: "<api>:fail <detail>", ...}.
struct callbacks {
    function success;
    function fail;
    function complete;
};

/// Thrown synchronously by a call, as a JS `throw new Error(message)`.
class js_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// WebSocket lifecycle; the numbers are readyState's (WHATWG).
enum class ready_state : int { connecting = 0, open = 1, closing = 2, closed = 3 };

/// TCPSocket lifecycle.
enum class tcp_state { created, connecting, connected, closed };

} // namespace sockconf::ref
