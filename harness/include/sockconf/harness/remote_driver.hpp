// The remote driver: sockconf serves a page and a control WebSocket on
// loopback; browsers (or devices) that open the page connect back and speak the
// adapter protocol (specs/adapter-protocol.md), one text frame per message.
//
// HTTP on 127.0.0.1:PORT serves the project's adapters/ and node_modules/
// folders (read-only, nothing outside them; a page folder given by path stands in
// for adapters/browser/NAME) and upgrades /control to the
// control WebSocket, only for a client that presents this run's random secret
// (`key=` in the control URL inside page_url()) and the Origin of this server;
// anything else gets 403 and a logged line saying why (E-ADAPTER-REFUSED). Every page that says hello joins a pool of IUT instances:
// a case takes an idle page and resets it; a case that asks for a fresh
// instance gets a page that said hello after being told "bye" (it reloads).
// With `browser` set ("chromium" or "firefox"), the factory launches it
// (adapters/browser/launch.mjs) on the page URL and stops it at the end; without,
// it waits for whatever opens page_url(). user_agent() is the User-Agent of the
// page whose hello describe() gave: the engine the report names.
#pragma once

#include <atomic>
#include <sockconf/harness/driver.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace sockconf::harness {

struct remote_options {
    std::string home;     ///< the project tree (adapters/, node_modules/)
    /// The platform: "adapters/browser/NAME" or "NAME" (HOME/adapters/browser/NAME), or a
    /// platform folder anywhere that holds dist/bundle.mjs (`sockconf init browser`),
    /// served at /adapters/browser/NAME/ in place of the home's.
    std::string page;
    std::string browser;  ///< "chromium" or "firefox": launch it; "": wait for a page to connect
    int pages = 4;        ///< pages the launched browser opens (the pool's size)
    std::chrono::milliseconds hello_timeout{}; ///< how long a page has to (re)connect
    /// PEM of the echo servers' CA: the launched browser trusts exactly this CA
    /// for wss:// (launch.mjs --trust-ca: Chromium its key, Firefox the certificate
    /// in a fresh profile).
    std::string ca_pem;
    std::size_t message_max_bytes = 0; ///< the longest control frame read (settings: adapter_message_max_bytes)
    std::int64_t case_events_max = 0;  ///< events + logs per case (settings: adapter_case_events_max)
    std::atomic<bool> const* interrupted = nullptr; ///< Ctrl-C's flag: iut_options::interrupted
    /// Where a refused control connection is logged (one line); empty: stderr.
    std::function<void(std::string const&)> log;
};

class remote_factory : public driver_factory {
public:
    /// The URL a browser or device opens to become an IUT instance.
    virtual std::string page_url() const = 0;
};

/// Starts the server (and the browser). Throws std::runtime_error naming what
/// failed (port, missing page folder, launcher).
std::unique_ptr<remote_factory> make_remote_factory(remote_options opts);

} // namespace sockconf::harness
