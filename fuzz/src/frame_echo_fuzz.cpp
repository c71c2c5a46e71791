// The echo loop's frame parser (detail::frame_echo, every WebSocket connection
// after the 101). The first 5 bytes choose the server's options and how the
// client's bytes arrive: max_message_bytes, record_limit, fragment size,
// stop_after, read size. The rest is what the client sent, fed read by read the
// way ws_session's process() does (consume, write the output, act on the state),
// with the unconsumed rest kept at the front of the buffer.
#include "fuzz_input.hpp"

#include "detail/frame_echo.hpp"

#include <algorithm>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    using st = sockconf::echo::detail::frame_echo::state;
    if (size < 5)
        return 0;
    std::uint64_t const max_bytes = data[0] == 0 ? 0 : std::uint64_t(data[0]) * 8;
    std::size_t const record_limit = data[1] % 4;
    std::size_t const fragment = data[2] % 8;
    std::uint64_t const stop_after = data[3] % 4;
    std::size_t const read_size = std::size_t(data[4]) + 1;
    data += 5;
    size -= 5;

    sockconf::echo::detail::frame_echo fe(max_bytes, record_limit);
    fe.fragment(fragment);
    if (stop_after)
        fe.stop_after(stop_after);
    std::vector<char> buf;
    std::size_t begin = 0, written = 0;
    auto const write_output = [&] {
        for (auto const& b : fe.output()) { // the bytes the session would write
            auto const* p = static_cast<unsigned char const*>(b.data());
            written += std::count(p, p + b.size(), 0x88); // read every byte (ASan sees a stale one)
        }
        fe.clear_output();
    };
    bool done = false;
    for (std::size_t at = 0; at < size && !done;) {
        auto const n = std::min(read_size, size - at);
        buf.insert(buf.end(), data + at, data + at + n);
        at += n;
        for (bool again = true; again && !done;) {
            again = false;
            begin += fe.consume(buf.data() + begin, buf.size() - begin);
            fe.recorded().clear();
            (void)fe.take_messages(), (void)fe.take_bytes(), (void)fe.take_pings(), (void)fe.take_pongs();
            switch (fe.current()) {
            case st::open:
            case st::closing:
                break;
            case st::limit_reached:
                fe.send_close(1000, "limit");
                again = true; // what follows meets our close
                break;
            case st::too_big:
                fe.send_close(1009, "too big");
                again = true;
                break;
            case st::client_closed:
            case st::failed:
            case st::closed:
                done = true;
                break;
            }
        }
        write_output();
        // The rest (an incomplete frame) moves to the front, as read() does.
        buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(begin));
        begin = 0;
        // read(): a frame bigger than the buffer grows it to the frame's size, once.
        buf.reserve(std::max(buf.capacity(), fe.frame_bytes_needed()));
    }
    (void)written;
    return 0;
}
