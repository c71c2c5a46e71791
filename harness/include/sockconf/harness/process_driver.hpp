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
// as ERROR with an E-ADAPTER-* id and the end of the program's stderr.
#pragma once

#include <sockconf/harness/driver.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace sockconf::harness {

struct process_options {
    std::string command;                       ///< shell command line of the IUT
    profile prof;                              ///< written to SOCKCONF_PROFILE_FILE
    std::string ca_pem;                        ///< written to SOCKCONF_CA_FILE
    std::chrono::milliseconds hello_timeout{}; ///< how long the IUT has to say hello
};

/// Throws std::runtime_error when the temporary files cannot be written.
std::unique_ptr<driver_factory> make_process_factory(process_options opts);

} // namespace sockconf::harness
