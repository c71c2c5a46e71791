// What a WebSocket request target asks the server to do: the path picks the
// behaviour, the query its parameters (the tables in echo-servers/README.md,
// "WebSocket behaviours"). Pure: a function of the target's text (and, for the
// subprotocol, of what the client offered), no I/O, no Asio, so every mapping
// is unit-tested (test/ws_plan_test.cpp). The session (ws_session.hpp) acts on
// the plan.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sockconf::echo::detail {

// Sanity caps on URL parameters, so a typo cannot make the server allocate or
// wait without bound; the limits a client is held to are in server_options.
inline constexpr std::size_t push_size_cap = 64u * 1024 * 1024;
inline constexpr std::uint64_t count_cap = 100000;
inline constexpr std::uint64_t wait_cap_ms = 600000;

enum class ws_behaviour { echo, close, reject, handshake, hang, push, drop, fragment, not_found };

/// The wire record's `behaviour` ("" for not_found).
std::string_view behaviour_name(ws_behaviour b) noexcept;

/// What the request target asks for.
struct ws_plan {
    ws_behaviour what = ws_behaviour::not_found;
    std::string tag;
    std::uint16_t close_code = 1000;
    std::string close_reason;
    std::uint64_t close_after = 0;
    unsigned reject_status = 403;
    std::optional<std::string> protocol; ///< subprotocol to select ("first": the first offered)
    std::uint64_t delay_ms = 0;          ///< wait before answering the handshake
    std::uint64_t push_count = 0;
    std::size_t push_size = 0;
    bool push_binary = false;
    std::size_t fragment_size = 0;
    std::uint64_t ping_count = 0;       ///< pings to send after the handshake
    std::uint64_t ping_interval_ms = 0; ///< between them
    std::string bad_target; ///< non-empty when the target did not parse
};

/// The plan for a request target in origin form ("/close?code=4000&tag=t").
/// Malformed or out-of-range numbers keep their defaults; a target that does
/// not parse gives `bad_target`.
ws_plan plan_for(std::string_view target);

/// An HTTP answer instead of the 101, decided by the target alone.
struct ws_refusal {
    unsigned status;
    std::string why; ///< the body and the record's `error`; "" for the status's reason phrase
};

/// 400 for a target that does not parse, 404 for an unknown path, the asked
/// status for /reject; nullopt when the target is served (the request itself
/// may still be refused: not an upgrade, max_connections).
std::optional<ws_refusal> refusal_for(ws_plan const& p);

/// The subprotocol the answer selects from `offered` ("" for none): the plan's
/// `protocol` when the client offered it, the first offered for "first".
std::string chosen_protocol(ws_plan const& p, std::vector<std::string> const& offered);

} // namespace sockconf::echo::detail
