// The adapter protocol's event lines (specs/adapter-protocol.md): one stdout
// line of an out-of-process IUT through adapter_link::on_message (parse, check,
// hand to the case's sink), for the messages a busy case sends most.
#include "detail/adapter_link.hpp"

#include <benchmark/benchmark.h>

#include <limits>
#include <string>

namespace {

using sockconf::json;
using sockconf::harness::detail::adapter_link;

void run_lines(benchmark::State& state, std::string const& line)
{
    // No caps: the benchmark sends far more events than one case may (settings' adapter_case_events_max).
    adapter_link link([](std::string const&) { return true; }, [] { return std::string(); },
                      {std::numeric_limits<std::size_t>::max(), std::numeric_limits<std::int64_t>::max()});
    std::size_t seen = 0;
    link.set_sink([&seen](json const&) { ++seen; });
    for (auto _ : state)
        link.on_message(line, "stdout line 1");
    if (seen != state.iterations())
        state.SkipWithError("events were lost");
    if (auto dead = link.dead())
        state.SkipWithError(dead->c_str());
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(line.size()));
}

void BM_event_text_message(benchmark::State& state)
{
    run_lines(state, R"({"type":"event","op":"invoke","fn":"msg","args":[{"data":"hello"}],"sync":false})");
}

void BM_event_binary_message(benchmark::State& state)
{
    // A 1 KiB ArrayBuffer in wire form (base64 of 1024 bytes).
    std::string const b64(1368, 'A');
    run_lines(state, R"({"type":"event","op":"invoke","fn":"msg","args":[{"data":{"$arraybuffer":")" + b64 +
                         R"("}}],"sync":false})");
}

void BM_event_close(benchmark::State& state)
{
    run_lines(state, R"({"type":"event","op":"invoke","fn":"closed","args":[{"code":1000,"reason":"bye"}],"sync":false})");
}

void BM_log_line(benchmark::State& state)
{
    run_lines(state, R"({"type":"log","text":"connecting to ws://127.0.0.1:41000/echo?tag=case-42"})");
}

} // namespace

BENCHMARK(BM_event_text_message);
BENCHMARK(BM_event_binary_message);
BENCHMARK(BM_event_close);
BENCHMARK(BM_log_line);
