// detail::adapter_link: once set_sink() returns, the sink it replaced is never
// called again, so a case may be destroyed right after it detaches. An IUT that
// keeps sending (events, or a violation such as a reply to an unsent id) while a
// case ends must not reach the ended case (it did: a use after free in the page
// pool, seen as a SIGSEGV of hostile_page_unknown-id).
#include "detail/adapter_link.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

using sockconf::json;
using sockconf::harness::detail::adapter_link;

TEST(adapter_link, a_replaced_sink_is_never_called_after_set_sink_returns)
{
    adapter_link link([](std::string const&) { return true; }, [] { return std::string(); },
                      {1 << 20, std::int64_t{1} << 40});
    std::atomic<bool> stop{false};
    std::thread iut([&] { // an IUT that sends events without pause
        auto const line = json{{"type", "event"}, {"op", "invoke"}, {"fn", "msg"}, {"arg", json::object()}}.dump();
        while (!stop)
            link.on_message(line, "stdout line");
    });
    std::atomic<int> late_calls{0}; // outlives every sink, however late one runs
    for (int round = 0; round < 2000; ++round) {
        // A case: its sink works on state that ends with it.
        auto alive = std::make_shared<std::atomic<bool>>(true);
        link.set_sink([alive, &late_calls](json const&) {
            std::this_thread::yield(); // widen the window a racing detach could fall into
            if (!alive->load())
                ++late_calls;
        });
        std::this_thread::yield();
        link.set_sink(nullptr);
        alive->store(false); // the case is gone
        std::this_thread::yield();
    }
    stop = true;
    iut.join();
    EXPECT_EQ(late_calls.load(), 0) << "the sink of an ended case was called after set_sink() replaced it";
}

// An IUT's bytes need not be UTF-8: a garbage line, or its stderr, with bytes that are not
// must still make a message that is a JSON string (nlohmann's strict dump() threw
// type_error 316 on the adapter-error event: found by fuzz/adapter_line, kept in
// fuzz/regressions/adapter_line/).
TEST(adapter_link, an_iuts_bytes_that_are_not_utf8_make_a_utf8_error_message)
{
    adapter_link link([](std::string const&) { return true; },
                      [] { return std::string("\nIUT stderr (end):\nbad \xff\xfe stderr"); }, {1 << 20, 100});
    std::string text;
    link.set_sink([&](json const& event) {
        ASSERT_NO_THROW((void)event.dump()) << "the event is not valid UTF-8";
        text = event.value("text", "");
    });
    link.on_message("garbage \xc3\x28 \xed\xa0\x80 \xf4\x90\x80\x80 caf\xc3\xa9", "stdout line 1");
    ASSERT_TRUE(link.dead());
    EXPECT_NE(text.find("E-ADAPTER-SYNTAX: stdout line 1: not a JSON object: garbage \xEF\xBF\xBD("), std::string::npos) << text;
    EXPECT_NE(text.find("caf\xc3\xa9"), std::string::npos) << "valid UTF-8 is kept as it is: " << text;
    EXPECT_NE(text.find("bad \xEF\xBF\xBD\xEF\xBF\xBD stderr"), std::string::npos) << text;
    EXPECT_NO_THROW((void)json(*link.dead()).dump());
}

// Well-formed JSON whose members have other types than the protocol's: each is a
// protocol violation of the case, never an exception (json::value(key, std::string())
// threw type_error on the reader's thread, which ended the run: fuzz/adapter_line).
TEST(adapter_link, members_of_the_wrong_type_are_violations_not_exceptions)
{
    for (auto const& line : {R"({"type":true})", R"({"type":"log","text":5})", R"({"type":["reply"],"id":1})",
                             R"({"type":"hello","protocol":"1","name":2,"capabilities":{}})"}) {
        adapter_link link([](std::string const&) { return true; }, [] { return std::string(); }, {1 << 20, 100});
        std::string text;
        link.set_sink([&](json const& event) { text = event.dump(); });
        ASSERT_NO_THROW(link.on_message(line, "stdout line 1")) << line;
        ASSERT_TRUE(link.dead()) << line;
        EXPECT_NE(link.dead()->find("stdout line 1: "), std::string::npos) << line << ": " << *link.dead();
        EXPECT_NE(text.find("adapter-error"), std::string::npos) << line;
    }
}

// Whatever a message makes the harness throw (here its event sink) is that message's
// violation, on the reader's thread, and never reaches it.
TEST(adapter_link, an_exception_while_handling_a_message_is_its_violation)
{
    adapter_link link([](std::string const&) { return true; }, [] { return std::string(); }, {1 << 20, 100});
    bool threw = false;
    link.set_sink([&](json const& event) {
        if (event.value("op", "") == "adapter-error")
            return;
        threw = true;
        throw std::runtime_error("the sink broke");
    });
    ASSERT_NO_THROW(link.on_message(R"({"type":"event","op":"invoke","fn":"f","args":[]})", "stdout line 4"));
    EXPECT_TRUE(threw);
    ASSERT_TRUE(link.dead());
    EXPECT_NE(link.dead()->find("E-ADAPTER-MESSAGE: stdout line 4: sockconf could not handle it (the sink broke)"),
              std::string::npos)
        << *link.dead();
}

} // namespace
