// The remote driver with stand-in pages (Node processes speaking the protocol on
// the control WebSocket): the pool, reset between cases, fresh instances, and
// what the HTTP side serves and refuses.
#include "test_env.hpp"

#include <sockconf/harness/remote_driver.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <cstdlib>

using namespace sockconf;
using namespace sockconf::harness;
using namespace std::chrono_literals;

namespace {

std::string const home = test_env::fixture("remote");

std::unique_ptr<remote_factory> factory()
{
    return make_remote_factory({home, "fake", "", 2, 10000ms});
}

/// Starts a stand-in page in the background (it exits by itself within 30 s).
void open_page(remote_factory const& f)
{
    auto const url = f.page_url();
    auto const control = url.substr(url.find("control=") + 8);
    auto const cmd = "cd '" + home + "' && node fake_page.mjs '" + control + "' >/dev/null 2>&1 &";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
}

/// Status line of GET `target` from the factory's HTTP side.
std::string http_status(remote_factory const& f, std::string const& target)
{
    auto const url = f.page_url();
    auto const port = url.substr(17, url.find('/', 17) - 17); // http://127.0.0.1:PORT/...
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket s(ioc);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(port))});
    std::string const req = "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    boost::asio::write(s, boost::asio::buffer(req));
    std::string resp;
    boost::system::error_code ec;
    boost::asio::read(s, boost::asio::dynamic_buffer(resp), ec);
    return resp.substr(0, resp.find("\r\n"));
}

} // namespace

TEST(remote_driver, pages_join_the_pool_and_are_reset_or_renewed_between_cases)
{
    auto f = factory();
    open_page(*f);
    open_page(*f);
    auto const hello = f->describe();
    ASSERT_EQ(hello.value("name", ""), "fake-page") << hello.dump();
    {
        auto d = f->open([](json const&) {}, false);
        auto const r = d->execute(json{{"op", "get"}, {"this", {{"$ref", "nothing"}}}, {"prop", "x"}}, 5000ms);
        EXPECT_EQ(r.kind, reply_kind::refused) << r.message; // the page answered: no such object
    }
    for (int i = 0; i < 3; ++i) { // reused pages are reset first; fresh ones reload
        auto d = f->open([](json const&) {}, i == 1);
        auto const r = d->execute(json{{"op", "call"}, {"fn", "wx.createTCPSocket"}, {"as", "s"}}, 5000ms);
        EXPECT_EQ(r.kind, reply_kind::value) << "case " << i << ": " << r.message;
    }
}

TEST(remote_driver, without_pages_a_case_gets_a_timeout_not_a_hang)
{
    auto f = make_remote_factory({home, "fake", "", 2, 300ms});
    EXPECT_NE(f->describe().value("error", "").find("E-ADAPTER-TIMEOUT: no page said hello within 300 ms"), std::string::npos);
    auto d = f->open([](json const&) {}, false);
    auto const r = d->execute(json{{"op", "call"}, {"fn", "wx.connectSocket"}}, 1000ms);
    EXPECT_EQ(r.kind, reply_kind::broken);
    EXPECT_NE(r.message.find("no page available"), std::string::npos) << r.message;
}

TEST(remote_driver, serves_only_adapters_and_node_modules)
{
    auto f = make_remote_factory({home, "fake", "", 2, 300ms});
    EXPECT_EQ(http_status(*f, "/adapters/browser/fake/README.md"), "HTTP/1.1 200 OK");
    EXPECT_EQ(http_status(*f, "/fake_page.mjs"), "HTTP/1.1 404 Not Found");
    EXPECT_EQ(http_status(*f, "/adapters/../fake_page.mjs"), "HTTP/1.1 404 Not Found");
    EXPECT_EQ(http_status(*f, "/adapters/browser/nothing.js"), "HTTP/1.1 404 Not Found");
}

TEST(remote_driver, an_unknown_platform_is_refused_naming_the_folder)
{
    try {
        make_remote_factory({home, "adapters/browser/nope", "", 2, 300ms});
        FAIL() << "no error";
    } catch (std::runtime_error const& e) {
        EXPECT_NE(std::string(e.what()).find("no platform folder adapters/browser/nope"), std::string::npos) << e.what();
    }
}
