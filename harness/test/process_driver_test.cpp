// The process driver against real programs: the reference's stdio adapter, and
// shell one-liners that break the adapter protocol in each way it can be broken.
#include "test_env.hpp"

#include <sockconf/harness/process_driver.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <optional>
#include <thread>
#include <mutex>

using namespace sockconf;
using namespace sockconf::harness;
using namespace std::chrono_literals;

namespace {

/// `max_bytes` and `max_events`: the adapter limits (0: the shipped settings').
std::unique_ptr<driver_factory> factory(std::string const& command, std::size_t max_bytes = 0, std::int64_t max_events = 0)
{
    auto const s = test_env::settings();
    return make_process_factory({command, test_env::wechat(), "", 2000ms,
                                 max_bytes ? max_bytes : static_cast<std::size_t>(s.adapter_message_max_bytes),
                                 max_events ? max_events : s.adapter_case_events_max});
}

std::string const hello_line = R"({"type":"hello","protocol":1,"name":"fake","version":"0","profile":null,"capabilities":[]})";

std::string error_of(std::string const& command)
{
    auto const h = factory(command)->describe();
    return h.value("error", std::string("<no error: ") + h.dump() + ">");
}

/// Events the driver delivers, for waiting on.
struct event_log {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<json> events;
    event_sink sink()
    {
        return [this](json const& e) {
            std::lock_guard lk(mu);
            events.push_back(e);
            cv.notify_all();
        };
    }
    bool wait_for_op(std::string const& op)
    {
        std::unique_lock lk(mu);
        return cv.wait_for(lk, 5s, [&] {
            return std::any_of(events.begin(), events.end(), [&](json const& e) { return e.value("op", "") == op; });
        });
    }
};

} // namespace

TEST(process_driver, the_reference_adapter_answers_commands_and_sends_events_after_the_reply)
{
    echo::servers srv;
    srv.start();
    auto f = make_process_factory({SOCKCONF_REF_ADAPTER, test_env::wechat(), srv.ca_pem(), 5000ms, 16u << 20, 10000});
    auto const hello = f->describe();
    EXPECT_EQ(hello.value("name", ""), "sockconf-reference");
    EXPECT_EQ(hello.value("host", ""), "native");
    event_log log;
    auto d = f->open(log.sink(), false);
    auto const r = d->execute(json{{"op", "batch"}, {"commands", {
        {{"op", "call"}, {"fn", "wx.connectSocket"}, {"args", {{{"url", srv.ws_url() + "/echo"}}}}, {"as", "t"}},
        {{"op", "call"}, {"this", {{"$ref", "t"}}}, {"fn", "onOpen"}, {"args", {{{"$fn", "open"}}}}}}}}, 5000ms);
    ASSERT_EQ(r.kind, reply_kind::value) << r.message;
    EXPECT_EQ(r.value[0]["value"]["class"], "SocketTask");
    ASSERT_TRUE(log.wait_for_op("invoke"));
    EXPECT_EQ(log.events.front()["fn"], "open");
    EXPECT_EQ(log.events.front()["sync"], false);
}

TEST(process_driver, a_hello_in_another_protocol_version_is_refused_naming_both)
{
    auto const e = error_of(R"(echo '{"type":"hello","protocol":2,"name":"x","capabilities":[]}'; sleep 5)");
    EXPECT_NE(e.find("E-ADAPTER-VERSION"), std::string::npos) << e;
    EXPECT_NE(e.find("speaks protocol 2; this sockconf speaks 1"), std::string::npos) << e;
}

TEST(process_driver, no_hello_in_time_is_a_timeout)
{
    auto const e = error_of("sleep 5");
    EXPECT_NE(e.find("E-ADAPTER-TIMEOUT"), std::string::npos) << e;
    EXPECT_NE(e.find("sent no hello within 2000 ms"), std::string::npos) << e;
}

TEST(process_driver, a_line_that_is_not_json_is_a_syntax_error_with_its_line_number)
{
    auto const e = error_of("echo 'Listening on 8080...'; sleep 5");
    EXPECT_NE(e.find("E-ADAPTER-SYNTAX: stdout line 1: not a JSON object: Listening on 8080..."), std::string::npos) << e;
}

TEST(process_driver, an_iut_that_exits_shows_the_end_of_its_stderr)
{
    auto const e = error_of("echo 'cannot load module ./wx.mjs' >&2; exit 3");
    EXPECT_NE(e.find("E-ADAPTER-EXIT"), std::string::npos) << e;
    EXPECT_NE(e.find("cannot load module ./wx.mjs"), std::string::npos) << e;
}

namespace {
/// A socket listening on an ephemeral port of 127.0.0.1; its port in `port`.
int listen_loopback(std::uint16_t& port)
{
    int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0)
        return -1;
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    return fd;
}

/// errno of a connect to 127.0.0.1:port (0: it connected).
int connect_errno(std::uint16_t port)
{
    int const fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int const r = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 ? 0 : errno;
    ::close(fd);
    return r;
}
} // namespace

// The IUT gets its three pipes and nothing else of the harness's: a copy of an echo
// server's listener (or connection) in it would keep that socket alive after the
// servers closed it, so a case expecting a refused connect (or the server's FIN) would
// see it queued (or never see it) because of another case's IUT.
TEST(process_driver, the_iut_holds_no_descriptor_of_the_harness)
{
    std::uint16_t port = 0;
    int const listener = listen_loopback(port);
    ASSERT_GE(listener, 0);
    auto f = factory("echo '" + hello_line + "'; read line");
    auto d = f->open([](json const&) {}, false);
    ::close(listener);
    EXPECT_EQ(connect_errno(port), ECONNREFUSED);
}

// The IUT's variables (the profile, the CA) are its own: set on the harness's own
// environment they would reach every process started later, naming files removed
// with their IUT (the browser launcher's Node warned of NODE_EXTRA_CA_CERTS).
TEST(process_driver, starting_an_iut_leaves_the_harness_s_environment_alone)
{
    auto value = [](char const* name) {
        char const* v = std::getenv(name);
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    auto const profile = value("SOCKCONF_PROFILE_FILE");
    auto const ca = value("NODE_EXTRA_CA_CERTS");
    auto f = factory("echo '" + hello_line + "'; read line");
    auto d = f->open([](json const&) {}, false);
    EXPECT_EQ(value("SOCKCONF_PROFILE_FILE"), profile);
    EXPECT_EQ(value("NODE_EXTRA_CA_CERTS"), ca);
}

TEST(process_driver, an_iut_that_dies_on_a_command_makes_the_command_broken)
{
    auto f = factory("echo '" + hello_line + "'; read line; exit 1");
    auto d = f->open([](json const&) {}, false);
    auto const r = d->execute(json{{"op", "call"}, {"fn", "wx.connectSocket"}}, 3000ms);
    EXPECT_EQ(r.kind, reply_kind::broken);
    EXPECT_NE(r.message.find("E-ADAPTER-EXIT"), std::string::npos) << r.message;
}

TEST(process_driver, a_reply_to_no_pending_command_is_reported_as_an_adapter_error_event)
{
    event_log log;
    auto f = factory("echo '" + hello_line + R"('; echo '{"type":"reply","id":42,"ok":true}'; sleep 5)");
    auto d = f->open(log.sink(), false);
    ASSERT_TRUE(log.wait_for_op("adapter-error"));
    auto const text = log.events.back().value("text", "");
    EXPECT_NE(text.find("E-ADAPTER-MESSAGE: stdout line 2: a reply to no pending command (id 42)"), std::string::npos) << text;
}

TEST(process_driver, a_silent_iut_times_out_the_command_not_the_run)
{
    auto f = factory("echo '" + hello_line + "'; sleep 5");
    auto d = f->open([](json const&) {}, false);
    auto const r = d->execute(json{{"op", "get"}, {"this", {{"$ref", "t"}}}, {"prop", "readyState"}}, 300ms);
    EXPECT_EQ(r.kind, reply_kind::timeout);
    EXPECT_NE(r.message.find("no reply to command 1 within 300 ms"), std::string::npos) << r.message;
}

TEST(process_driver, a_line_over_the_limit_is_an_error_and_is_never_held_whole)
{
    event_log log;
    auto f = factory("echo '" + hello_line + "'; head -c 1000000 /dev/zero | tr '\\0' x; echo; echo 'after it' >&2; sleep 5",
                     65536);
    auto d = f->open(log.sink(), false);
    ASSERT_TRUE(log.wait_for_op("adapter-error"));
    auto const text = log.events.back().value("text", "");
    EXPECT_NE(text.find("E-ADAPTER-TOO-LONG: stdout line 2: a message longer than 65536 bytes"), std::string::npos) << text;
    auto const r = d->execute(json{{"op", "call"}, {"fn", "wx.connectSocket"}}, 3000ms);
    EXPECT_EQ(r.kind, reply_kind::broken); // the link is dead: the case ends
    EXPECT_NE(r.message.find("E-ADAPTER-TOO-LONG"), std::string::npos) << r.message;
}

TEST(process_driver, more_events_than_the_limit_is_an_error_and_the_rest_are_dropped)
{
    event_log log;
    auto f = factory("echo '" + hello_line + "'; for i in $(seq 1 150); do echo '{\"type\":\"event\",\"op\":\"invoke\",\"fn\":\"f\",\"args\":[]}'; done; sleep 5",
                     0, 100);
    auto d = f->open(log.sink(), false);
    ASSERT_TRUE(log.wait_for_op("adapter-error"));
    std::this_thread::sleep_for(200ms); // the other 49 would arrive now
    std::lock_guard lk(log.mu);
    EXPECT_EQ(log.events.size(), 101u); // 100 events, then the error
    auto const text = log.events.back().value("text", "");
    EXPECT_NE(text.find("E-ADAPTER-FLOOD: stdout line 102: more than 100 events and logs in one case"), std::string::npos) << text;
}
