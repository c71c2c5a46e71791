// The adapter protocol's message decoder (specs/adapter-protocol.md):
// detail::adapter_link::on_message, which both the process driver (stdout lines)
// and the remote driver (control WebSocket text frames) feed. Each line of the
// input is one message from the IUT: the first as it arrives before any command
// (the hello), then each as the answer to a command the link sends (so replies
// meet a pending id and reply_from_json), and after the link died as stray
// lines. A bad message is a protocol violation the link records, never a throw.
#include "fuzz_input.hpp"

#include "detail/adapter_link.hpp"

#include <chrono>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    using sockconf::json;
    auto const lines = sockconf::fuzz::lines_of(sockconf::fuzz::text_of(data, size));
    std::size_t next = 0;
    sockconf::harness::detail::adapter_link* self = nullptr;
    auto const feed = [&] {
        auto const n = next++;
        self->on_message(lines[n], "stdout line " + std::to_string(n + 1));
    };
    // The IUT answers each command with the next line, while the command waits.
    sockconf::harness::detail::adapter_link link(
        [&](std::string const&) {
            if (next < lines.size())
                feed();
            return true;
        },
        [] { return std::string(" (stderr: none)"); },
        // Small caps (specs/settings.json has 16 MiB and 10000), so that inputs reach the
        // too-long and flood paths too.
        {4096, 64});
    self = &link;
    link.set_sink([](json const& event) { (void)event.dump(); });
    if (next < lines.size())
        feed();
    (void)link.hello();
    while (next < lines.size()) {
        if (link.dead()) {
            feed();
            continue;
        }
        auto const r = next % 2 ? link.execute(json{{"op", "invoke"}, {"target", "wx.connectSocket"}},
                                               std::chrono::milliseconds(0))
                                : link.reset(std::chrono::milliseconds(0));
        (void)r;
    }
    link.bye();
    return 0;
}
