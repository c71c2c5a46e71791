// A platform profile: the limits, timings and switches of one platform and
// version, loaded from specs/profiles/<id>.json. Nothing here has a default in
// code: every field comes from the file, and a missing or mistyped field is a
// spec_error naming it (see specs/README.md for the format).
#pragma once

#include <sockconf/common/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sockconf {

/// How the reference refuses a connectSocket over the concurrency limit.
enum class refusal_channel {
    fail_callback, ///< `fail` with errMsg "connectSocket:fail ..."
    error_event    ///< `success` (task created), then onError, then onClose
};

/// The address family of a TCPSocket created without `type`.
enum class ip_family { v4, v6 };

/// errCode values of TCPSocket errors (002_401a069a653de666.txt's note on -2;
/// the table is WeChat's), by meaning. The profile gives the numbers.
struct tcp_error_codes_t {
    int system = 0;          ///< system error (-1)
    int socket = 0;          ///< socket interface error, errno in errMsg (-2)
    int no_permission = 0;   ///< no interface permission, e.g. a blocked target (-3)
    int connect_failed = 0;  ///< connection failed, e.g. timed out (-4)
    int invalid_address = 0; ///< (1)
    int invalid_port = 0;    ///< (2)
    int invalid_bssid = 0;   ///< bindWifi (3)
    int wifi_system = 0;     ///< bindWifi system error (4)
    int android_only = 0;    ///< bindWifi elsewhere than Android (5)
    int android_too_old = 0; ///< bindWifi on an old Android (6)
};

struct profile {
    std::string id;
    std::string title;
    std::string base_library;

    struct limits_t {
        int max_concurrent_websockets = 0;
        int close_reason_max_bytes = 0;
        int tcp_create_max = 0;
        std::int64_t tcp_create_window_ms = 0;
        /// Inclusive port ranges a TCPSocket may not connect to.
        std::vector<std::pair<int, int>> tcp_blocked_ports;
    } limits;

    struct timings_t {
        std::int64_t ws_connect_timeout_ms = 0; ///< connectSocket `timeout` default
        std::int64_t tcp_connect_timeout_s = 0; ///< TCPSocket.connect `timeout` default
        // The harness's own timings are not here: harness_settings (specs/settings.json).
    } timings;

    struct switches_t {
        bool legacy_single_connection = false;
        bool wss_only = false;
        /// Hosts connectSocket may reach (the mini program's configured domains);
        /// nullopt: any host. Others fail with "url not in domain list".
        std::optional<std::vector<std::string>> allowed_domains;
        int close_default_code = 0;
        /// A TCPSocket created without `type` uses this family (D23: IPv4).
        ip_family tcp_default_family = ip_family::v4;
        /// TCP to loopback / the device's own address is allowed (D26: a strict
        /// runtime refuses it; shipped profiles allow it for the local echo servers).
        bool tcp_allow_loopback = true;
        /// TCPSocket.bindWifi works (Android); elsewhere it fails with android_only.
        bool tcp_bind_wifi = false;
        refusal_channel limit_refusal = refusal_channel::fail_callback;
        /// connectSocket's documented result is a Promise of the SocketTask (Taro's
        /// typings), not the task itself (000). Cases read it; adapters await either.
        bool connect_returns_promise = false;
    } switches;

    tcp_error_codes_t tcp_error_codes;

    /// The file as loaded, for reports and for cases that read profile values.
    json raw;

    /// Parse and validate. `source` names the file in errors. Throws spec_error.
    static profile from_json(json const& doc, std::string const& source);
    /// Read, parse and validate a profile file. Throws spec_error.
    static profile load(std::string const& path);

    bool tcp_port_blocked(int port) const noexcept;
    /// False when allowed_domains is a list that does not hold `host` (case-insensitive).
    bool domain_allowed(std::string_view host) const noexcept;
};

} // namespace sockconf
