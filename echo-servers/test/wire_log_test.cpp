#include <sockconf/echo/wire_log.hpp>

#include <gtest/gtest.h>

#include <algorithm>

#include <thread>

namespace sockconf::echo {
namespace {

wire_record tagged(std::string tag, conn_end end = conn_end::open)
{
    wire_record r;
    r.tag = std::move(tag);
    r.end = end;
    return r;
}

TEST(echo_wire_log, to_string_names_every_end)
{
    EXPECT_EQ(to_string(conn_end::open), "open");
    EXPECT_EQ(to_string(conn_end::client_closed), "client_closed");
    EXPECT_EQ(to_string(conn_end::server_closed), "server_closed");
    EXPECT_EQ(to_string(conn_end::rejected), "rejected");
    EXPECT_EQ(to_string(conn_end::dropped), "dropped");
    EXPECT_EQ(to_string(conn_end::server_dropped), "server_dropped");
    EXPECT_EQ(to_string(conn_end::error), "error");
}

TEST(echo_wire_log, add_assigns_unique_ids_and_open_time)
{
    wire_log log;
    auto const a = log.add(tagged("a"));
    auto const b = log.add(tagged("a"));
    EXPECT_NE(a, 0u);
    EXPECT_NE(a, b);
    auto const recs = log.by_tag("a");
    ASSERT_EQ(recs.size(), 2u);
    EXPECT_EQ(recs[0].id, a);
    EXPECT_EQ(recs[1].id, b);
    EXPECT_GE(recs[0].opened_ms, 0.0);
    EXPECT_EQ(recs[0].closed_ms, 0.0);
}

TEST(echo_wire_log, update_applies_under_lock_and_ignores_unknown_ids)
{
    wire_log log;
    auto const id = log.add(tagged("u"));
    log.update(id, [](wire_record& r) { r.bytes_received = 42; });
    log.update(id + 100, [](wire_record& r) { r.bytes_received = 7; });
    EXPECT_EQ(log.by_tag("u").at(0).bytes_received, 42u);
    EXPECT_EQ(log.all().size(), 1u);
}

TEST(echo_wire_log, finish_keeps_the_first_end)
{
    wire_log log;
    auto const id = log.add(tagged("f"));
    log.finish(id, conn_end::client_closed);
    auto const first = log.by_tag("f").at(0);
    EXPECT_EQ(first.end, conn_end::client_closed);
    EXPECT_GT(first.closed_ms, 0.0);
    log.finish(id, conn_end::error, "late");
    auto const again = log.by_tag("f").at(0);
    EXPECT_EQ(again.end, conn_end::client_closed);
    EXPECT_EQ(again.closed_ms, first.closed_ms);
}

TEST(echo_wire_log, finish_records_error_text)
{
    wire_log log;
    auto const id = log.add(tagged("e"));
    log.finish(id, conn_end::error, "bad frame");
    auto const r = log.by_tag("e").at(0);
    EXPECT_EQ(r.end, conn_end::error);
    EXPECT_EQ(r.error, "bad frame");
}

TEST(echo_wire_log, open_count_and_peak_open_follow_the_tag)
{
    wire_log log;
    auto const a = log.add(tagged("p"));
    auto const b = log.add(tagged("p"));
    log.add(tagged("other"));
    EXPECT_EQ(log.open_count("p"), 2u);
    log.finish(a, conn_end::client_closed);
    EXPECT_EQ(log.open_count("p"), 1u);
    auto const c = log.add(tagged("p"));
    EXPECT_EQ(log.open_count("p"), 2u);
    log.finish(b, conn_end::dropped);
    log.finish(c, conn_end::dropped);
    EXPECT_EQ(log.open_count("p"), 0u);
    EXPECT_EQ(log.peak_open("p"), 2u);
    EXPECT_EQ(log.peak_open("other"), 1u);
    EXPECT_EQ(log.peak_open("never"), 0u);
}

TEST(echo_wire_log, rejected_records_never_count_as_open)
{
    wire_log log;
    log.add(tagged("r", conn_end::rejected));
    EXPECT_EQ(log.open_count("r"), 0u);
    EXPECT_EQ(log.peak_open("r"), 0u);
    // The server's way: an untagged record learns its tag and rejection in one update.
    auto const id = log.add(tagged(""));
    log.update(id, [](wire_record& r) {
        r.tag = "r";
        r.end = conn_end::rejected;
    });
    EXPECT_EQ(log.peak_open("r"), 0u);
}

TEST(echo_wire_log, peak_counts_a_tag_set_by_update)
{
    wire_log log;
    auto const a = log.add(tagged(""));
    auto const b = log.add(tagged(""));
    log.update(a, [](wire_record& r) { r.tag = "late"; });
    log.update(b, [](wire_record& r) { r.tag = "late"; });
    EXPECT_EQ(log.peak_open("late"), 2u);
}

TEST(echo_wire_log, beyond_max_records_the_record_that_ended_first_goes_never_an_open_one)
{
    wire_log log(3);
    EXPECT_EQ(log.max_records(), 3u);
    auto const a = log.add(tagged("a"));
    auto const b = log.add(tagged("b"));
    auto const c = log.add(tagged("c"));
    auto const d = log.add(tagged("d")); // 4 held: all open, none may go
    EXPECT_EQ(log.size(), 4u);
    EXPECT_EQ(log.evicted(), 0u);
    log.finish(c, conn_end::client_closed); // c ended first: it goes, not the older a
    EXPECT_EQ(log.size(), 3u);
    EXPECT_EQ(log.evicted(), 1u);
    EXPECT_TRUE(log.by_tag("c").empty());
    EXPECT_EQ(log.peak_open("c"), 0u); // a tag's counts go with its last record
    log.finish(a, conn_end::dropped);  // within the cap again: kept
    EXPECT_EQ(log.size(), 3u);
    auto const e = log.add(tagged("e", conn_end::rejected)); // ended on arrival: a (ended first) goes
    EXPECT_EQ(log.evicted(), 2u);
    EXPECT_TRUE(log.by_tag("a").empty());
    // Ids stay the records' own: updates reach the ones kept, and no others.
    log.update(b, [](wire_record& r) { r.bytes_received = 5; });
    log.update(a, [](wire_record& r) { r.bytes_received = 6; });
    EXPECT_EQ(log.by_tag("b").at(0).bytes_received, 5u);
    EXPECT_GT(e, d);
    std::vector<std::uint64_t> ids;
    for (auto const& r : log.all())
        ids.push_back(r.id);
    EXPECT_EQ(ids, (std::vector<std::uint64_t>{b, d, e})); // in the order they were added
    EXPECT_EQ(log.open_count("b"), 1u);
    EXPECT_EQ(log.peak_open("b"), 1u);
}

TEST(echo_wire_log, a_tag_family_is_the_tag_and_its_dash_suffixes_only)
{
    wire_log log;
    log.add(tagged("ws.a-7-1"));
    log.add(tagged("ws.a-7-1-peer"));
    log.add(tagged("ws.a-7-12")); // another case whose tag starts with the same characters
    log.add(tagged("ws.a-7"));
    auto const family = log.by_tag_family("ws.a-7-1");
    ASSERT_EQ(family.size(), 2u);
    EXPECT_EQ(family[0].tag, "ws.a-7-1");
    EXPECT_EQ(family[1].tag, "ws.a-7-1-peer");
}

TEST(echo_wire_log, open_ids_of_a_family_are_its_open_records_only)
{
    wire_log log;
    auto const a = log.add(tagged("c-1"));
    auto const b = log.add(tagged("c-1-peer"));
    log.add(tagged("c-1-x", conn_end::client_closed));
    log.add(tagged("c-10"));
    auto ids = log.open_ids_of_family("c-1");
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<std::uint64_t>{a, b}));
    EXPECT_TRUE(log.open_ids_of_family("c-2").empty());
}

TEST(echo_wire_log, forgetting_a_family_drops_its_ended_records_and_keeps_open_ones)
{
    wire_log log(5);
    auto const live = log.add(tagged("c-1"));
    log.add(tagged("c-1-x", conn_end::client_closed));
    log.add(tagged("c-1", conn_end::dropped));
    log.add(tagged("c-10", conn_end::dropped));
    EXPECT_EQ(log.forget_tag_family("c-1"), 2u);
    auto const left = log.all();
    ASSERT_EQ(left.size(), 2u);
    EXPECT_EQ(left[0].id, live);
    EXPECT_EQ(left[1].tag, "c-10");
    EXPECT_EQ(log.open_count("c-1"), 1u);
    EXPECT_EQ(log.evicted(), 0u); // forgotten, not evicted

    // The open one ends later and is forgotten then; eviction still works on
    // what remains, past the ids forgotten out of its queue.
    log.finish(live, conn_end::client_closed);
    EXPECT_EQ(log.forget_tag_family("c-1"), 1u);
    EXPECT_EQ(log.open_count("c-1"), 0u);
    for (int i = 0; i < 1000; ++i) {
        log.add(tagged("r-" + std::to_string(i), conn_end::client_closed));
        log.forget_tag_family("r-" + std::to_string(i));
    }
    for (int i = 0; i < 10; ++i)
        log.add(tagged("k", conn_end::client_closed));
    EXPECT_EQ(log.size(), 5u);
    EXPECT_EQ(log.by_tag("k").size(), 5u); // the oldest (c-10 and the first k's) went
}

TEST(echo_wire_log, max_records_0_keeps_everything)
{
    wire_log log(0);
    for (int i = 0; i < 100; ++i)
        log.finish(log.add(tagged("x")), conn_end::client_closed);
    EXPECT_EQ(log.size(), 100u);
    EXPECT_EQ(log.evicted(), 0u);
}

TEST(echo_wire_log, to_json_uses_member_names)
{
    wire_log log;
    wire_record r;
    r.kind = transport::tcp;
    r.tag = "j";
    r.behaviour = "tcp-echo";
    r.remote_address = "127.0.0.1";
    r.remote_port = 5000;
    r.local_port = 6000;
    r.bytes_received = 3;
    r.close_code = 4001;
    r.close_reason = "bye";
    r.sent_close_code = 1000;
    r.http_status = 101;
    r.offered_protocols = {"a", "b"};
    r.request_headers = {{"x-k", "v"}};
    auto const id = log.add(r);
    log.finish(id, conn_end::client_closed);
    auto const j = log.by_tag("j").at(0).to_json();
    for (auto const* key : {"id", "kind", "tls", "tag", "behaviour", "target", "remote_address", "remote_port", "local_port",
                            "request_headers", "offered_protocols", "messages", "bytes_received", "close_received",
                            "close_code", "close_reason", "close_sent", "sent_close_code", "tls_close_notify",
                            "http_status", "end", "error", "opened_ms", "closed_ms", "head", "bytes_sent",
                            "pings_sent", "pongs_received", "pings_received", "messages_received"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j.size(), 30u);
    EXPECT_EQ(j["id"], id);
    EXPECT_EQ(j["kind"], "tcp");
    EXPECT_EQ(j["tls"], false);
    EXPECT_EQ(j["end"], "client_closed");
    EXPECT_EQ(j["close_code"], 4001);
    EXPECT_EQ(j["close_reason"], "bye");
    EXPECT_EQ(j["remote_port"], 5000);
    EXPECT_EQ(j["offered_protocols"], json::array({"a", "b"}));
    EXPECT_EQ(j["request_headers"]["x-k"], "v");
    EXPECT_EQ(j["head"], json({{"$arraybuffer", ""}})); // bytes, even when empty
    EXPECT_EQ(j["bytes_sent"], 0);
    EXPECT_EQ(j["pings_sent"], 0);
    EXPECT_EQ(j["sent_close_code"], 1000);
    EXPECT_TRUE(j["tls_close_notify"].is_null());

    // Nothing stands in for what did not happen or was not measured: null, not 0 or "".
    wire_record ws;
    auto const w = ws.to_json();
    EXPECT_EQ(w["kind"], "websocket");
    EXPECT_EQ(w["close_received"], false);
    EXPECT_TRUE(w["close_code"].is_null());
    EXPECT_EQ(w["close_sent"], false);
    EXPECT_TRUE(w["sent_close_code"].is_null());
    EXPECT_TRUE(w["tls_close_notify"].is_null());
    EXPECT_TRUE(w["bytes_sent"].is_null()); // TCP only
    EXPECT_TRUE(w["head"].is_null());       // TCP only
    EXPECT_EQ(w["end"], "open");
    ws.tls = true;
    ws.tls_close_notify = false;
    EXPECT_EQ(ws.to_json()["tls_close_notify"], false);
}

TEST(echo_wire_log, text_from_the_network_that_is_not_utf8_is_kept_as_bytes)
{
    wire_record r;
    std::string const latin1 = "caf\xe9";
    r.tag = latin1;
    r.target = "/echo?x=" + latin1;
    r.request_headers = {{"x-bytes", latin1}, {"x-text", "caf\xc3\xa9"}};
    r.offered_protocols = {latin1};
    r.close_reason = latin1;
    auto const j = r.to_json();
    json const bytes{{"$arraybuffer", base64_encode(latin1)}};
    EXPECT_EQ(j["tag"], bytes);
    EXPECT_EQ(j["target"], json({{"$arraybuffer", base64_encode("/echo?x=" + latin1)}}));
    EXPECT_EQ(j["request_headers"]["x-bytes"], bytes);
    EXPECT_EQ(j["request_headers"]["x-text"], "caf\xc3\xa9");
    EXPECT_EQ(j["offered_protocols"][0], bytes);
    EXPECT_EQ(j["close_reason"], bytes);
    EXPECT_NO_THROW((void)j.dump());
    EXPECT_EQ(wire_text("plain"), "plain");
}

TEST(echo_wire_log, message_heads_keep_their_type_in_json)
{
    wire_record r;
    r.messages.push_back({false, 5, "hello"});
    r.messages.push_back({true, 3, std::string("\x00\x01\xff", 3)});
    r.messages.push_back({false, 2, "\xc3\x28"}); // claims text, not UTF-8
    auto const m = r.to_json()["messages"];
    ASSERT_EQ(m.size(), 3u);
    EXPECT_EQ(m[0]["binary"], false);
    EXPECT_EQ(m[0]["size"], 5);
    EXPECT_EQ(m[0]["head"], "hello");
    EXPECT_EQ(m[1]["binary"], true);
    EXPECT_EQ(m[1]["head"], to_wire(make_array_buffer(std::string("\x00\x01\xff", 3))));
    EXPECT_TRUE(m[2]["head"].contains("$arraybuffer"));
    EXPECT_NO_THROW((void)r.to_json().dump());
}

TEST(echo_wire_log, text_head_cut_inside_a_character_stays_text)
{
    wire_record r;
    std::string const full = std::string(4095, 'a') + "\xc3\xa9"; // 4097 bytes, é spans the cut
    r.messages.push_back({false, full.size(), full.substr(0, 4096)});
    auto const head = r.to_json()["messages"][0]["head"];
    ASSERT_TRUE(head.is_string());
    EXPECT_EQ(head.get<std::string>(), std::string(4095, 'a'));
}

TEST(echo_wire_log, concurrent_writers_and_readers)
{
    wire_log log;
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; ++t)
        ts.emplace_back([&] {
            for (int i = 0; i < 200; ++i) {
                auto const id = log.add(tagged("c"));
                log.update(id, [](wire_record& r) { r.bytes_received += 1; });
                (void)log.open_count("c");
                log.finish(id, conn_end::client_closed);
            }
        });
    for (auto& t : ts)
        t.join();
    auto const recs = log.by_tag("c");
    EXPECT_EQ(recs.size(), 800u);
    EXPECT_EQ(log.open_count("c"), 0u);
    EXPECT_GE(log.peak_open("c"), 1u);
    EXPECT_LE(log.peak_open("c"), 4u);
}

} // namespace
} // namespace sockconf::echo
