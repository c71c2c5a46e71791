// Behaviours of servers.hpp, driven by a Beast client over loopback. Every wait
// is bounded: the client runs each operation with io_context::run_for.
#include "test_clients.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <optional>
#include <system_error>
#include <thread>

namespace sockconf::echo {
namespace {

using namespace test; // NOLINT: the test clients and their aliases (asio, beast, websocket ...)

class echo_servers : public ::testing::Test {
protected:
    void SetUp() override { s_.start(); }

    std::optional<wire_record> only(std::string const& tag)
    {
        auto recs = s_.log().by_tag(tag);
        if (recs.size() != 1)
            return std::nullopt;
        return recs[0];
    }

    /// Wait until the single record with `tag` has ended; nullopt if it never did.
    std::optional<wire_record> ended(std::string const& tag)
    {
        std::optional<wire_record> r;
        eventually([&] {
            r = only(tag);
            return r && r->end != conn_end::open;
        });
        if (!r || r->end == conn_end::open)
            return std::nullopt;
        return r;
    }

    servers s_;
};

// The servers set TCP_NODELAY once, on each listener, and not on every connection
// (servers.cpp, bind): that holds only because Linux gives an accepted socket its
// listener's TCP state. Echoes would wait for the client's ACKs without it.
TEST(echo_servers_kernel, an_accepted_socket_inherits_tcp_nodelay_from_its_listener)
{
    asio::io_context io;
    tcp::acceptor acceptor(io);
    acceptor.open(tcp::v4());
    acceptor.set_option(tcp::no_delay(true));
    acceptor.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor.listen();
    tcp::socket client(io);
    client.connect(acceptor.local_endpoint());
    auto accepted = acceptor.accept();
    tcp::no_delay on;
    accepted.get_option(on);
    EXPECT_TRUE(on.value());
}

TEST_F(echo_servers, ports_and_url_are_known_after_start)
{
    EXPECT_NE(s_.ws_port(), 0);
    EXPECT_NE(s_.tcp_port(), 0);
    EXPECT_EQ(s_.host(), "127.0.0.1");
    EXPECT_EQ(s_.ws_url(), "ws://127.0.0.1:" + std::to_string(s_.ws_port()));
}

TEST_F(echo_servers, echo_keeps_text_as_text_and_binary_as_binary)
{
    ws_client c;
    ASSERT_FALSE(c.connect(s_.ws_port(), "/echo?tag=e1"));
    EXPECT_TRUE(c.response()[http::field::sec_websocket_protocol].empty());

    std::string data;
    bool binary = true;
    ASSERT_FALSE(c.write("hello", false));
    ASSERT_FALSE(c.read(data, binary));
    EXPECT_EQ(data, "hello");
    EXPECT_FALSE(binary);

    std::string const bytes("\x00\x01\xfe\xff", 4);
    ASSERT_FALSE(c.write(bytes, true));
    ASSERT_FALSE(c.read(data, binary));
    EXPECT_EQ(data, bytes);
    EXPECT_TRUE(binary);

    ASSERT_FALSE(c.close(4002, "done"));
    auto const r = ended("e1");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, transport::websocket);
    EXPECT_EQ(r->behaviour, "echo");
    EXPECT_EQ(r->target, "/echo?tag=e1");
    EXPECT_EQ(r->http_status, 101);
    EXPECT_EQ(r->end, conn_end::client_closed);
    EXPECT_TRUE(r->close_received);
    EXPECT_EQ(r->close_code, 4002);
    EXPECT_EQ(r->close_reason, "done");
    EXPECT_TRUE(r->close_sent);
    EXPECT_EQ(r->sent_close_code, 4002); // the answer echoes the code
    EXPECT_EQ(r->remote_address, "127.0.0.1");
    EXPECT_EQ(r->remote_port, c.local_port());
    EXPECT_EQ(r->local_port, s_.ws_port());
    EXPECT_EQ(r->bytes_received, 9u);
    ASSERT_EQ(r->messages.size(), 2u);
    EXPECT_FALSE(r->messages[0].binary);
    EXPECT_EQ(r->messages[0].size, 5u);
    EXPECT_EQ(r->messages[0].head, "hello");
    EXPECT_TRUE(r->messages[1].binary);
    EXPECT_EQ(r->messages[1].head, bytes);
    EXPECT_GT(r->closed_ms, 0.0);
    EXPECT_GE(r->closed_ms, r->opened_ms);
    EXPECT_EQ(r->request_headers.find("host"), "127.0.0.1:" + std::to_string(s_.ws_port()));
}

TEST_F(echo_servers, root_path_echoes)
{
    ws_client c;
    ASSERT_FALSE(c.connect(s_.ws_port(), "/"));
    std::string data;
    bool binary = true;
    ASSERT_FALSE(c.write("root", false));
    ASSERT_FALSE(c.read(data, binary));
    EXPECT_EQ(data, "root");
    EXPECT_FALSE(binary);
}

TEST_F(echo_servers, message_head_is_capped_at_4_kib)
{
    ws_client c;
    ASSERT_FALSE(c.connect(s_.ws_port(), "/echo?tag=big"));
    std::string big(100000, 'x');
    big[0] = '\0';
    std::string data;
    bool binary = false;
    ASSERT_FALSE(c.write(big, true));
    ASSERT_FALSE(c.read(data, binary));
    EXPECT_EQ(data, big);
    c.drop();
    auto const r = ended("big");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::dropped);
    ASSERT_EQ(r->messages.size(), 1u);
    EXPECT_EQ(r->messages[0].size, big.size());
    EXPECT_EQ(r->messages[0].head, big.substr(0, 4096));
}

TEST_F(echo_servers, close_after_n_messages_with_code_and_reason)
{
    ws_client c;
    ASSERT_FALSE(c.connect(s_.ws_port(), "/close?code=4001&reason=bye&after=2&tag=c2"));
    std::string data;
    bool binary = false;
    for (auto const* m : {"one", "two"}) {
        ASSERT_FALSE(c.write(m, false));
        ASSERT_FALSE(c.read(data, binary));
        EXPECT_EQ(data, m);
    }
    auto const ec = c.read(data, binary);
    EXPECT_EQ(ec, websocket::error::closed);
    EXPECT_EQ(c.reason().code, 4001);
    EXPECT_EQ(std::string(c.reason().reason.c_str()), "bye");

    auto const r = ended("c2");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->behaviour, "close");
    EXPECT_EQ(r->end, conn_end::server_closed);
    EXPECT_EQ(r->sent_close_code, 4001);
    EXPECT_EQ(r->messages.size(), 2u);
    EXPECT_EQ(r->close_code, 4001); // Beast's client echoes the server's code
}

TEST_F(echo_servers, close_defaults_to_1000_right_after_the_handshake)
{
    ws_client c;
    ASSERT_FALSE(c.connect(s_.ws_port(), "/close?tag=c0"));
    std::string data;
    bool binary = false;
    EXPECT_EQ(c.read(data, binary), websocket::error::closed);
    EXPECT_EQ(c.reason().code, 1000);
    EXPECT_TRUE(c.reason().reason.empty());
    auto const r = ended("c0");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->sent_close_code, 1000);
    EXPECT_EQ(r->end, conn_end::server_closed);
}

TEST_F(echo_servers, reject_answers_the_status_and_never_counts_as_open)
{
    ws_client c;
    auto const ec = c.connect(s_.ws_port(), "/reject?status=503&tag=rj");
    EXPECT_EQ(ec, websocket::error::upgrade_declined);
    EXPECT_EQ(c.response().result_int(), 503u);
    auto const r = ended("rj");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->behaviour, "reject");
    EXPECT_EQ(r->end, conn_end::rejected);
    EXPECT_EQ(r->http_status, 503);
    EXPECT_EQ(s_.log().peak_open("rj"), 0u);
    EXPECT_EQ(s_.log().open_count("rj"), 0u);
}

TEST_F(echo_servers, reject_defaults_to_403)
{
    ws_client c;
    EXPECT_EQ(c.connect(s_.ws_port(), "/reject?tag=rd"), websocket::error::upgrade_declined);
    EXPECT_EQ(c.response().result_int(), 403u);
    auto const r = ended("rd");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->http_status, 403);
}

TEST_F(echo_servers, unknown_path_is_404_and_rejected)
{
    ws_client c;
    EXPECT_EQ(c.connect(s_.ws_port(), "/nowhere?tag=nf"), websocket::error::upgrade_declined);
    EXPECT_EQ(c.response().result_int(), 404u);
    auto const r = ended("nf");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::rejected);
    EXPECT_EQ(r->http_status, 404);
}

TEST_F(echo_servers, handshake_reports_the_request_then_echoes)
{
    ws_client c;
    ws_client::options o;
    o.headers = {{"X-Custom-Thing", "Yes Please"}};
    o.protocols = "chat, superchat ,v2";
    ASSERT_FALSE(c.connect(s_.ws_port(), "/handshake?tag=hs&x=1", o));
    // The server picks no subprotocol.
    EXPECT_TRUE(c.response()[http::field::sec_websocket_protocol].empty());

    std::string data;
    bool binary = true;
    ASSERT_FALSE(c.read(data, binary));
    EXPECT_FALSE(binary);
    auto const j = json::parse(data);
    EXPECT_EQ(j["target"], "/handshake?tag=hs&x=1");
    EXPECT_EQ(j["method"], "GET");
    EXPECT_EQ(j["headers"]["x-custom-thing"], "Yes Please");
    EXPECT_EQ(j["headers"]["upgrade"], "websocket");
    EXPECT_TRUE(j["headers"].contains("sec-websocket-key"));
    EXPECT_EQ(j["protocols"], json::array({"chat", "superchat", "v2"}));

    ASSERT_FALSE(c.write("after", false));
    ASSERT_FALSE(c.read(data, binary));
    EXPECT_EQ(data, "after");

    ASSERT_FALSE(c.close(1000, ""));
    auto const r = ended("hs");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->behaviour, "handshake");
    EXPECT_EQ(r->request_headers.find("x-custom-thing"), "Yes Please");
    EXPECT_EQ(r->offered_protocols, (std::vector<std::string>{"chat", "superchat", "v2"}));
    EXPECT_EQ(r->messages.size(), 1u);
    EXPECT_EQ(r->close_code, 1000);
}

TEST_F(echo_servers, tag_is_percent_decoded)
{
    ws_client c;
    ASSERT_FALSE(c.connect(s_.ws_port(), "/echo?tag=a%20b"));
    ASSERT_FALSE(c.close(1000, ""));
    EXPECT_TRUE(ended("a b"));
}

TEST_F(echo_servers, client_drop_without_close_frame_is_dropped)
{
    ws_client c;
    ASSERT_FALSE(c.connect(s_.ws_port(), "/echo?tag=dr"));
    c.drop();
    auto const r = ended("dr");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::dropped);
    EXPECT_FALSE(r->close_code);
}

TEST_F(echo_servers, garbage_and_half_handshakes_are_errors_not_crashes)
{
    {
        tcp_client t;
        ASSERT_FALSE(t.connect(s_.ws_port()));
        ASSERT_FALSE(t.write(std::string("\x16\x03\x01\x00\xff garbage\r\n\r\n", 17)));
        std::string rest;
        t.read_to_end(rest); // the server hangs up
    }
    {
        tcp_client t;
        ASSERT_FALSE(t.connect(s_.ws_port()));
        ASSERT_FALSE(t.write("GET /echo?tag=half HTTP/1.1\r\nHost: x\r\n"));
        t.shutdown_send();
        std::string rest;
        t.read_to_end(rest);
    }
    EXPECT_TRUE(eventually([&] {
        int errors = 0;
        for (auto const& r : s_.log().all())
            errors += r.end == conn_end::error && !r.error.empty();
        return errors == 2;
    }));
    // Still serving.
    ws_client c;
    ASSERT_FALSE(c.connect(s_.ws_port(), "/echo"));
    std::string data;
    bool binary = true;
    ASSERT_FALSE(c.write("alive", false));
    ASSERT_FALSE(c.read(data, binary));
    EXPECT_EQ(data, "alive");
}

TEST_F(echo_servers, plain_http_request_is_rejected)
{
    tcp_client t;
    ASSERT_FALSE(t.connect(s_.ws_port()));
    ASSERT_FALSE(t.write("GET /echo?tag=plain HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::string reply;
    t.read_to_end(reply);
    EXPECT_EQ(reply.rfind("HTTP/1.1 426", 0), 0u) << reply;
    auto const r = ended("plain");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::rejected);
    EXPECT_EQ(r->http_status, 426);
}

// Beast answers the upgrades it refuses; the record keeps the status that went
// out: 426 only for a version other than 13, 400 for a missing one.
TEST_F(echo_servers, a_refused_upgrade_records_the_status_it_was_answered)
{
    std::string const head = "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    struct refusal {
        char const* tag;
        std::string version_line;
        int status;
    };
    for (auto const& c : {refusal{"nover", "", 400}, refusal{"ver8", "Sec-WebSocket-Version: 8\r\n", 426}}) {
        SCOPED_TRACE(c.tag);
        tcp_client t;
        ASSERT_FALSE(t.connect(s_.ws_port()));
        ASSERT_FALSE(t.write(std::string("GET /echo?tag=") + c.tag + " HTTP/1.1\r\n" + head + c.version_line + "\r\n"));
        std::string reply;
        t.read_to_end(reply);
        EXPECT_EQ(reply.rfind("HTTP/1.1 " + std::to_string(c.status), 0), 0u) << reply;
        auto const r = ended(c.tag);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->end, conn_end::rejected);
        EXPECT_EQ(r->http_status, c.status);
    }
}

TEST_F(echo_servers, peak_open_counts_simultaneous_connections)
{
    {
        ws_client a, b, c;
        ASSERT_FALSE(a.connect(s_.ws_port(), "/echo?tag=pk"));
        ASSERT_FALSE(b.connect(s_.ws_port(), "/echo?tag=pk"));
        ASSERT_FALSE(c.connect(s_.ws_port(), "/echo?tag=pk"));
        EXPECT_TRUE(eventually([&] { return s_.log().open_count("pk") == 3; }));
        ws_client rejected;
        EXPECT_EQ(rejected.connect(s_.ws_port(), "/reject?tag=pk"), websocket::error::upgrade_declined);
        ASSERT_FALSE(a.close(1000, ""));
        ASSERT_FALSE(b.close(1000, ""));
        ASSERT_FALSE(c.close(1000, ""));
    }
    EXPECT_TRUE(eventually([&] { return s_.log().open_count("pk") == 0; }));
    EXPECT_EQ(s_.log().peak_open("pk"), 3u);
    EXPECT_EQ(s_.log().by_tag("pk").size(), 4u);
}

TEST_F(echo_servers, tcp_echoes_every_byte)
{
    tcp_client t;
    ASSERT_FALSE(t.connect(s_.tcp_port()));
    std::string const bytes("ab\0\xff" "cd", 6);
    ASSERT_FALSE(t.write(bytes));
    std::string back;
    ASSERT_FALSE(t.read_exactly(bytes.size(), back));
    EXPECT_EQ(back, bytes);
    t.shutdown_send();
    std::string rest;
    EXPECT_EQ(t.read_to_end(rest), asio::error::eof);
    EXPECT_TRUE(rest.empty());

    auto const r = ended("");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, transport::tcp);
    EXPECT_EQ(r->behaviour, "tcp-echo");
    EXPECT_EQ(r->end, conn_end::client_closed);
    EXPECT_EQ(r->bytes_received, 6u);
    EXPECT_EQ(r->local_port, s_.tcp_port());
    EXPECT_EQ(r->remote_port, t.local_port());
    EXPECT_EQ(r->remote_address, "127.0.0.1");
}

TEST_F(echo_servers, tagged_tcp_listener_tags_its_connections)
{
    auto const port = s_.open_tcp_listener("tl");
    ASSERT_NE(port, 0);
    EXPECT_NE(port, s_.tcp_port());
    {
        tcp_client t;
        ASSERT_FALSE(t.connect(port));
        ASSERT_FALSE(t.write("xyz"));
        std::string back;
        ASSERT_FALSE(t.read_exactly(3, back));
        EXPECT_EQ(back, "xyz");
        t.reset();
    }
    auto const r = ended("tl");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, transport::tcp);
    EXPECT_EQ(r->behaviour, "tcp-echo");
    EXPECT_EQ(r->local_port, port);
    EXPECT_EQ(r->bytes_received, 3u);
    EXPECT_EQ(r->end, conn_end::dropped);

    s_.close_tcp_listener(port);
    tcp_client late;
    EXPECT_EQ(late.connect(port), asio::error::connection_refused);
}

TEST_F(echo_servers, close_tcp_listener_keeps_open_connections)
{
    auto const port = s_.open_tcp_listener("keep");
    tcp_client t;
    ASSERT_FALSE(t.connect(port));
    ASSERT_TRUE(eventually([&] { return s_.log().open_count("keep") == 1; }));
    s_.close_tcp_listener(port);
    ASSERT_FALSE(t.write("still"));
    std::string back;
    ASSERT_FALSE(t.read_exactly(5, back));
    EXPECT_EQ(back, "still");
}

// A case's own ws:// listener (open_ws_listeners): the main one's behaviours on a
// port of its own, recorded as such; closed, it refuses while its connection goes on.
TEST_F(echo_servers, a_listener_of_a_case_s_own_serves_ws_until_closed)
{
    auto const a = s_.open_ws_listeners();
    auto const b = s_.open_ws_listeners();
    EXPECT_NE(a.ws, 0);
    EXPECT_NE(a.ws, s_.ws_port());
    EXPECT_NE(a.ws, b.ws);
    EXPECT_NE(a.wss, b.wss);
    EXPECT_EQ(s_.ws_url(a.ws), "ws://127.0.0.1:" + std::to_string(a.ws));
    ws_client c;
    ASSERT_FALSE(c.connect(a.ws, "/echo?tag=own-ws"));
    s_.close_ws_listeners(a);
    ASSERT_FALSE(c.write("still", false));
    std::string data;
    bool binary = true;
    ASSERT_FALSE(c.read(data, binary));
    EXPECT_EQ(data, "still");
    auto const r = only("own-ws");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->local_port, a.ws);
    EXPECT_EQ(r->behaviour, "echo");
    tcp_client late;
    EXPECT_EQ(late.connect(a.ws), asio::error::connection_refused);
    tcp_client other;
    EXPECT_FALSE(other.connect(b.ws)); // the other case's listener is still there
}

TEST(echo_servers_lifecycle, open_ws_listeners_needs_started_servers)
{
    servers s;
    EXPECT_THROW(s.open_ws_listeners(), std::logic_error);
    s.start();
    s.stop();
    EXPECT_THROW(s.open_ws_listeners(), std::logic_error);
}

TEST_F(echo_servers, stop_closes_everything_and_is_idempotent)
{
    ws_client c;
    ASSERT_FALSE(c.connect(s_.ws_port(), "/echo?tag=st"));
    tcp_client t;
    ASSERT_FALSE(t.connect(s_.tcp_port()));
    ASSERT_TRUE(eventually([&] { return s_.log().open_count("st") == 1 && s_.log().open_count("") == 1; }));
    auto const ws_port = s_.ws_port();

    s_.stop();
    s_.stop();

    EXPECT_EQ(s_.log().open_count("st"), 0u);
    EXPECT_EQ(s_.log().open_count(""), 0u);
    EXPECT_EQ(s_.log().by_tag("st").at(0).end, conn_end::server_closed);
    std::string data;
    bool binary = false;
    EXPECT_TRUE(c.read(data, binary)); // the connection is gone
    ws_client late;
    EXPECT_TRUE(late.connect(ws_port, "/echo"));
}

TEST_F(echo_servers, stop_ends_connections_waiting_mid_handshake)
{
    // One client says nothing (the server waits for its request), one never answers
    // the server's close frame (the server waits for the closing handshake).
    tcp_client silent;
    ASSERT_FALSE(silent.connect(s_.ws_port()));
    ws_client mute;
    ASSERT_FALSE(mute.connect(s_.ws_port(), "/close?tag=mute"));
    ASSERT_TRUE(eventually([&] { return s_.log().all().size() == 2 && only("mute")->sent_close_code == 1000; }));

    auto const t0 = std::chrono::steady_clock::now();
    s_.stop();
    auto const took = std::chrono::steady_clock::now() - t0;
    // Reported, not asserted: speed depends on the machine.
    std::cout << "stop() took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
    for (auto const& r : s_.log().all())
        EXPECT_NE(r.end, conn_end::open) << r.to_json().dump();
}

TEST_F(echo_servers, protocol_param_selects_an_offered_subprotocol)
{
    auto selected = [&](std::string const& target, std::string const& offered) {
        ws_client c;
        ws_client::options o;
        o.protocols = offered;
        EXPECT_FALSE(c.connect(s_.ws_port(), target, o)) << target;
        return std::string(c.response()[http::field::sec_websocket_protocol]);
    };
    EXPECT_EQ(selected("/echo?protocol=b", "a, b"), "b");
    EXPECT_EQ(selected("/echo?protocol=first", "a, b"), "a");
    EXPECT_EQ(selected("/echo?protocol=c", "a, b"), "");
    EXPECT_EQ(selected("/echo", "a, b"), "");
    EXPECT_EQ(selected("/close?protocol=b&after=5", "b"), "b");
}

TEST_F(echo_servers, delay_waits_before_answering_then_echoes)
{
    ws_client c;
    auto const t0 = std::chrono::steady_clock::now();
    ASSERT_FALSE(c.connect(s_.ws_port(), "/delay?ms=200&tag=delay"));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(190));
    ASSERT_FALSE(c.write("late", false));
    std::string data;
    bool binary = true;
    ASSERT_FALSE(c.read(data, binary));
    EXPECT_EQ(data, "late");
    auto r = only("delay");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->behaviour, "echo");

    ws_client c2; // delay_ms on another path
    EXPECT_TRUE(c2.connect(s_.ws_port(), "/reject?status=409&delay_ms=50&tag=delay-reject"));
    auto rej = ended("delay-reject");
    ASSERT_TRUE(rej);
    EXPECT_EQ(rej->http_status, 409);
}

TEST_F(echo_servers, hang_never_answers_and_stop_is_prompt)
{
    tcp_client c;
    ASSERT_FALSE(c.connect(s_.ws_port()));
    ASSERT_FALSE(c.write("GET /hang?tag=hang HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
    ASSERT_TRUE(eventually([&] {
        auto r = only("hang");
        return r && r->behaviour == "hang";
    }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto r = only("hang");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->http_status, 0);
    EXPECT_EQ(r->end, conn_end::open);
    auto const t0 = std::chrono::steady_clock::now();
    s_.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
    r = only("hang");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::server_closed);
    std::string rest;
    c.read_to_end(rest);
    EXPECT_EQ(rest, ""); // never a byte of an answer
}

TEST_F(echo_servers, push_sends_messages_after_the_handshake_then_echoes)
{
    ws_client c;
    ASSERT_FALSE(c.connect(s_.ws_port(), "/push?count=3&size=300&binary=1&tag=push"));
    for (int i = 0; i < 3; ++i) {
        std::string data;
        bool binary = false;
        ASSERT_FALSE(c.read(data, binary));
        EXPECT_TRUE(binary);
        ASSERT_EQ(data.size(), 300u);
        EXPECT_EQ(static_cast<unsigned char>(data[299]), 299 % 256);
    }
    ws_client t;
    ASSERT_FALSE(t.connect(s_.ws_port(), "/push?count=1&size=4&tag=push-text"));
    std::string data;
    bool binary = true;
    ASSERT_FALSE(t.read(data, binary));
    EXPECT_FALSE(binary);
    EXPECT_EQ(data, "abcd");
    ASSERT_FALSE(t.write("then echo", false));
    ASSERT_FALSE(t.read(data, binary));
    EXPECT_EQ(data, "then echo");
    EXPECT_EQ(only("push")->behaviour, "push");
}

TEST_F(echo_servers, drop_closes_the_connection_without_a_close_frame)
{
    ws_client c;
    ASSERT_FALSE(c.connect(s_.ws_port(), "/drop?after=1&tag=drop1"));
    ASSERT_FALSE(c.write("x", false));
    std::string data;
    bool binary = false;
    ASSERT_FALSE(c.read(data, binary));
    EXPECT_EQ(data, "x");
    auto ec = c.read(data, binary);
    EXPECT_TRUE(ec);
    EXPECT_NE(ec, websocket::error::closed); // no close frame
    EXPECT_NE(ec, asio::error::timed_out);
    auto r = ended("drop1");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::server_dropped);
    EXPECT_FALSE(r->close_sent);
    EXPECT_FALSE(r->sent_close_code);
    EXPECT_EQ(r->to_json()["end"], "server_dropped");

    ws_client now;
    ASSERT_FALSE(now.connect(s_.ws_port(), "/drop?tag=drop0"));
    ec = now.read(data, binary);
    EXPECT_TRUE(ec);
    EXPECT_NE(ec, asio::error::timed_out);
    r = ended("drop0");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->end, conn_end::server_dropped);
}

TEST_F(echo_servers, fragment_echoes_in_frames_of_at_most_size_bytes)
{
    ws_client c;
    ASSERT_FALSE(c.connect(s_.ws_port(), "/fragment?size=10&tag=frag"));
    std::string const msg(100, 'f');
    ASSERT_FALSE(c.write(msg, false));
    std::vector<std::size_t> sizes;
    std::string data;
    ASSERT_FALSE(c.read_chunks(sizes, data));
    EXPECT_EQ(data, msg);
    EXPECT_GE(sizes.size(), 10u);
    for (auto n : sizes)
        EXPECT_LE(n, 10u);
}

TEST_F(echo_servers, sixteen_mib_message_echoes)
{
    ws_client c;
    ASSERT_FALSE(c.connect(s_.ws_port(), "/echo?tag=big"));
    std::string msg(16u * 1024 * 1024, '\0');
    for (std::size_t i = 0; i < msg.size(); ++i)
        msg[i] = static_cast<char>(i * 7);
    ASSERT_FALSE(c.write(msg, true));
    std::string data;
    bool binary = false;
    ASSERT_FALSE(c.read(data, binary));
    EXPECT_TRUE(binary);
    EXPECT_TRUE(data == msg);
    auto r = only("big");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->messages.size(), 1u);
    EXPECT_EQ(r->messages[0].size, msg.size());
}

// A session ends with its connection: none lingers until a timer of its own (the
// handshake deadline, 60 s here) runs out. An armed deadline holds its session.
TEST(echo_servers_lifecycle, a_connection_that_ended_leaves_no_session_behind)
{
    server_options o;
    o.handshake_timeout_ms = 60000;
    servers s(o);
    s.start();
    auto const none_live = [&] { return eventually([&] { return s.live_sessions() == 0; }); };
    {
        ws_client c; // upgraded, echoed, closed by the client
        ASSERT_FALSE(c.connect(s.ws_port(), "/echo?tag=life-echo"));
        ASSERT_FALSE(c.write("x", false));
        std::string got;
        bool binary = true;
        ASSERT_FALSE(c.read(got, binary));
        EXPECT_EQ(s.live_sessions(), 1u);
        ASSERT_FALSE(c.close(1000, ""));
    }
    EXPECT_TRUE(none_live()) << "after a close handshake: " << s.live_sessions();
    {
        ws_client c; // closed by the server's behaviour
        ASSERT_FALSE(c.connect(s.ws_port(), "/close?tag=life-close"));
        std::string got;
        bool binary = false;
        EXPECT_TRUE(c.read(got, binary));
    }
    EXPECT_TRUE(none_live()) << "after the server's close: " << s.live_sessions();
    {
        tcp_client t; // refused upgrade
        ASSERT_FALSE(t.connect(s.ws_port()));
        ASSERT_FALSE(t.write("GET /echo?tag=life-refused HTTP/1.1\r\nHost: x\r\n\r\n"));
        std::string reply;
        t.read_to_end(reply);
        EXPECT_EQ(reply.rfind("HTTP/1.1 4", 0), 0u) << reply;
    }
    EXPECT_TRUE(none_live()) << "after a refused upgrade: " << s.live_sessions();
    {
        tcp_client t; // half a request, then gone
        ASSERT_FALSE(t.connect(s.ws_port()));
        ASSERT_FALSE(t.write("GET /echo?tag=life-half HTTP/1.1\r\nHost: x\r\n"));
        ASSERT_TRUE(eventually([&] { return s.live_sessions() == 1; }));
    }
    EXPECT_TRUE(none_live()) << "after a client left mid-request: " << s.live_sessions();
    {
        tcp_client t; // TCP echo
        ASSERT_FALSE(t.connect(s.tcp_port()));
        ASSERT_FALSE(t.write("abc"));
        std::string got;
        ASSERT_FALSE(t.read_exactly(3, got));
    }
    EXPECT_TRUE(none_live()) << "after a TCP client closed: " << s.live_sessions();
}

TEST(echo_servers_lifecycle, start_throws_when_the_port_is_taken)
{
    servers a;
    a.start();
    server_options o;
    o.ws_port = a.ws_port();
    servers b(o);
    EXPECT_THROW(b.start(), std::system_error);
}

TEST(echo_servers_lifecycle, stop_without_start_and_destructor_after_stop)
{
    servers a;
    a.stop();
    a.stop();
    servers b;
    b.start();
    b.stop();
} // destructors run stop() again

TEST(echo_servers_lifecycle, several_io_threads_echo)
{
    server_options o;
    o.threads = 3;
    servers s(o);
    s.start();
    std::vector<std::unique_ptr<ws_client>> clients;
    for (int i = 0; i < 6; ++i) {
        clients.push_back(std::make_unique<ws_client>());
        ASSERT_FALSE(clients.back()->connect(s.ws_port(), "/echo?tag=mt"));
    }
    for (int i = 0; i < 6; ++i) {
        std::string const m = "m" + std::to_string(i);
        std::string data;
        bool binary = true;
        ASSERT_FALSE(clients[i]->write(m, false));
        ASSERT_FALSE(clients[i]->read(data, binary));
        EXPECT_EQ(data, m);
    }
    EXPECT_EQ(s.log().by_tag("mt").size(), 6u);
    s.stop();
}

// What a case leaves open (a handshake left hanging, an echo never closed, a TCP
// connection) ends when the harness asks, and nothing of another tag does: "case-10"
// is not of "case-1"'s family.
TEST_F(echo_servers, close_tag_family_ends_the_family_s_open_connections_and_no_other)
{
    tcp_client hang;
    ASSERT_FALSE(hang.connect(s_.ws_port()));
    ASSERT_FALSE(hang.write("GET /hang?tag=case-1-hang HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            "Sec-WebSocket-Version: 13\r\n\r\n"));
    ws_client echo, other;
    ASSERT_FALSE(echo.connect(s_.ws_port(), "/echo?tag=case-1"));
    ASSERT_FALSE(other.connect(s_.ws_port(), "/echo?tag=case-10"));
    tcp_client tcp;
    ASSERT_FALSE(tcp.connect(s_.open_tcp_listener("case-1-tcp")));
    ASSERT_TRUE(eventually([&] {
        return s_.log().open_count("case-1-hang") == 1 && s_.log().open_count("case-1-tcp") == 1;
    }));

    EXPECT_EQ(s_.close_tag_family("case-1"), 3u);
    std::string rest;
    EXPECT_TRUE(hang.read_to_end(rest)); // the server hung up
    EXPECT_EQ(rest, "");
    for (auto const* tag : {"case-1-hang", "case-1", "case-1-tcp"}) {
        auto const r = ended(tag);
        ASSERT_TRUE(r) << tag;
        EXPECT_EQ(r->end, conn_end::server_closed) << tag;
    }
    EXPECT_EQ(s_.log().open_count("case-10"), 1u);
    EXPECT_EQ(s_.close_tag_family("case-1"), 0u); // nothing of the family is left
}

} // namespace
} // namespace sockconf::echo
