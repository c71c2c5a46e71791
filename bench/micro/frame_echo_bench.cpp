// The WebSocket echo loop's protocol work, in memory: a read buffer holding a
// batch of masked client frames goes through frame_echo::consume (parse, unmask,
// UTF-8 check for text, wire-record counting, gathered replies) and its output
// is cleared, as after one write. No sockets: this is the server's CPU cost per
// message apart from the kernel.
#include "detail/frame_echo.hpp"

#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using sockconf::echo::detail::frame_echo;

// One masked client frame (FIN, opcode) carrying `payload`.
void append_frame(std::vector<char>& out, std::uint8_t opcode, std::string const& payload)
{
    std::size_t const n = payload.size();
    out.push_back(static_cast<char>(0x80 | opcode));
    if (n < 126) {
        out.push_back(static_cast<char>(0x80 | n));
    } else if (n <= 0xffff) {
        out.push_back(static_cast<char>(0x80 | 126));
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(n & 0xff));
    } else {
        out.push_back(static_cast<char>(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> (8 * i)) & 0xff));
    }
    char const key[4] = {0x12, 0x34, 0x56, 0x78};
    out.insert(out.end(), key, key + 4);
    for (std::size_t i = 0; i < n; ++i)
        out.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
}

// args: payload size, frames per batch, text (1) or binary (0).
void BM_frame_echo(benchmark::State& state)
{
    auto const size = static_cast<std::size_t>(state.range(0));
    auto const batch = static_cast<std::size_t>(state.range(1));
    bool const text = state.range(2) != 0;
    std::string payload(size, 'x');
    for (std::size_t i = 0; i < size; ++i)
        payload[i] = text ? static_cast<char>('a' + i % 26) : static_cast<char>(i % 256);
    std::vector<char> frames;
    for (std::size_t i = 0; i < batch; ++i)
        append_frame(frames, text ? 0x1 : 0x2, payload);
    std::vector<char> buf(frames.size());
    // Like a long-running connection: the first heads recorded, the rest counted.
    frame_echo echo(64u * 1024 * 1024, 0);
    for (auto _ : state) {
        // consume() unmasks in place: every batch starts from the masked bytes,
        // as every read does (the copy stands in for the kernel's).
        std::memcpy(buf.data(), frames.data(), frames.size());
        auto const used = echo.consume(buf.data(), buf.size());
        benchmark::DoNotOptimize(echo.output().data());
        echo.clear_output();
        echo.take_messages();
        echo.take_bytes();
        if (used != buf.size())
            state.SkipWithError("batch not consumed whole");
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * batch * size));
}

} // namespace

BENCHMARK(BM_frame_echo)
    ->ArgNames({"size", "batch", "text"})
    ->Args({16, 16, 0})
    ->Args({16, 16, 1})
    ->Args({1024, 16, 0})
    ->Args({1024, 16, 1})
    ->Args({64 * 1024, 4, 0})
    ->Args({64 * 1024, 4, 1})
    ->Args({1024 * 1024, 2, 0})
    ->Args({1024 * 1024, 2, 1});
