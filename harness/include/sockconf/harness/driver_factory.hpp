// Choosing the implementation under test (IUT): the one place where a command's
// IUT options become a driver factory. `sockconf run` and `sockconf bench` take
// the same choice and get their factory here, so both drive an IUT the same way
// and give it as long to say hello:
//
//   (nothing)                           the built-in reference, in process (driver.hpp)
//   --iut "COMMAND"                     a program speaking the adapter protocol (process_driver.hpp)
//   --iut-page DIR [--browser chromium|firefox] [--pages N]
//                                       pages of a browser or device (remote_driver.hpp)
#pragma once

#include <sockconf/harness/driver.hpp>
#include <sockconf/harness/settings.hpp>

#include <atomic>
#include <chrono>
#include <iosfwd>
#include <memory>
#include <string>

namespace sockconf::harness {

/// Which IUT, as the command line chose it; at most one of `command` and `page`.
struct iut_options {
    std::string command; ///< --iut: shell command of a program speaking the adapter protocol, started per instance
    std::string page;    ///< --iut-page: a platform's page folder (adapters/browser/NAME)
    std::string browser; ///< --browser: launch it on the page ("chromium", "firefox"); empty: wait for a browser or device
    int pages = 24;      ///< --pages: pages the launched browser opens, the pool of instances
    /// Ctrl-C's flag (or null): a wait for an IUT's reply ends within 50 ms once it is set,
    /// and a program is then ended at once instead of being given time to exit.
    std::atomic<bool> const* interrupted = nullptr;

    /// Neither a program nor a page: the built-in reference.
    bool reference() const { return command.empty() && page.empty(); }
    /// For messages: "the built-in reference", "the program `CMD`", "the page DIR in chromium".
    std::string describe() const;
};

/// How long an instance of `iut` has to say hello (a page also: to come back after
/// a reload). A program is started for every case, so a silent one must not hold
/// the run: the settings' wait_timeout_ms. A browser needs seconds to start and
/// load a page: never less than 30 s, nor than that wait.
std::chrono::milliseconds hello_wait(iut_options const& iut, harness_settings const& settings);

/// The factory of `iut` under `prof` and `settings`, its wss:// trusting `ca_pem` (the echo
/// servers' CA): the reference (make_reference_factory), a program
/// (make_process_factory) or pages (make_remote_factory, serving `home`'s
/// adapters/ and node_modules/), each with hello_wait(). Pages with no browser
/// to launch print on `notices` the URL they wait for. The factory's describe()
/// says whether the IUT started ("error" in it when not). Throws
/// std::runtime_error when it cannot be set up (the page folder, a port, the
/// launcher, temporary files).
std::unique_ptr<driver_factory> make_driver_factory(iut_options const& iut, std::string const& home,
                                                    profile const& prof, harness_settings const& settings,
                                                    std::string const& ca_pem,
                                                    std::ostream& notices);

} // namespace sockconf::harness
