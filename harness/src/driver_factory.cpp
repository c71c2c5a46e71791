#include <sockconf/harness/driver_factory.hpp>
#include <sockconf/harness/process_driver.hpp>
#include <sockconf/harness/remote_driver.hpp>

#include <algorithm>
#include <cstdint>
#include <ostream>

namespace sockconf::harness {

std::string iut_options::describe() const
{
    if (!page.empty())
        return "the page " + page + (browser.empty() ? " (a browser you open)" : " in " + browser);
    if (!command.empty())
        return "the program `" + command + "`";
    return "the built-in reference";
}

std::chrono::milliseconds hello_wait(iut_options const& iut, harness_settings const& settings)
{
    std::chrono::milliseconds const wait{settings.wait_timeout_ms};
    if (iut.page.empty() && iut.command.empty())
        return wait;
    // A page, and an --iut program too: under -j32 on a loaded 2-core machine, 32 Node
    // processes starting at once took over 5 s to say hello (issue 15's soak: ERROR
    // E-ADAPTER-TIMEOUT on cases the IUT never saw). Starting it is the harness's time.
    return std::max<std::chrono::milliseconds>(std::chrono::seconds(30), wait);
}

std::unique_ptr<driver_factory> make_driver_factory(iut_options const& iut, std::string const& home,
                                                    profile const& prof, harness_settings const& settings,
                                                    std::string const& ca_pem,
                                                    std::ostream& notices)
{
    if (!iut.page.empty()) {
        auto remote = make_remote_factory({home, iut.page, iut.browser, iut.pages, hello_wait(iut, settings), ca_pem,
                                           static_cast<std::size_t>(settings.adapter_message_max_bytes),
                                           settings.adapter_case_events_max, iut.interrupted});
        if (iut.browser.empty())
            notices << "waiting for a browser or device to open " << remote->page_url() << "\n" << std::flush;
        return remote;
    }
    if (!iut.command.empty())
        return make_process_factory({iut.command, prof, ca_pem, hello_wait(iut, settings),
                                     static_cast<std::size_t>(settings.adapter_message_max_bytes),
                                     settings.adapter_case_events_max, iut.interrupted});
    return make_reference_factory(prof, ca_pem);
}

} // namespace sockconf::harness
