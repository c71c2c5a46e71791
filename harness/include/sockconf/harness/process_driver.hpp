// The process driver: the IUT is any program speaking the adapter protocol
// (specs/adapter-protocol.md) on its stdin/stdout. Each case gets a fresh
// process, so no state leaks from one case into the next.
//
// The program runs as `/bin/sh -c COMMAND` in its own process group, with
// sockconf's environment plus:
//   SOCKCONF_PROFILE_FILE   the active profile (JSON file), for IUTs that model one
//   SOCKCONF_CA_FILE        PEM of the echo servers' throwaway CA (trust it for wss://)
//   NODE_EXTRA_CA_CERTS     the same file, so Node-based IUTs trust it without code
// Every protocol violation, a missing hello, an exit or a silence ends the case
// as ERROR with an E-ADAPTER-* id and the end of the program's stderr; so do a
// line longer than message_max_bytes (never held whole) and more than
// case_events_max events (the rest are not parsed).
#pragma once

#include <atomic>
#include <sockconf/harness/driver.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace sockconf::harness {

struct process_options {
    std::string command;                       ///< shell command line of the IUT
    profile prof;                              ///< written to SOCKCONF_PROFILE_FILE
    std::string ca_pem;                        ///< written to SOCKCONF_CA_FILE
    std::chrono::milliseconds hello_timeout{}; ///< how long the IUT has to say hello
    std::size_t message_max_bytes = 0;         ///< the longest stdout line read (settings: adapter_message_max_bytes)
    std::int64_t case_events_max = 0;          ///< events + logs per case (settings: adapter_case_events_max)
    std::atomic<bool> const* interrupted = nullptr; ///< Ctrl-C's flag: iut_options::interrupted
};

/// Throws std::runtime_error when the temporary files cannot be written.
std::unique_ptr<driver_factory> make_process_factory(process_options opts);

} // namespace sockconf::harness
