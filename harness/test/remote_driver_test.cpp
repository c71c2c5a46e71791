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
#include <filesystem>
#include <fstream>
#include <mutex>
#include <vector>

#include <unistd.h>

using namespace sockconf;
using namespace sockconf::harness;
using namespace std::chrono_literals;

namespace {

std::string const home = test_env::fixture("remote");

std::unique_ptr<remote_factory> factory()
{
    return make_remote_factory({home, "fake", "", 2, 10000ms, "", 16u << 20, 10000});
}

/// Starts a stand-in page in the background (it exits by itself within 30 s).
void open_page(remote_factory const& f)
{
    auto const url = f.page_url();
    auto const control = url.substr(url.find("control=") + 8);
    auto const cmd = "cd '" + home + "' && node fake_page.mjs '" + control + "' >/dev/null 2>&1 &";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
}

/// Status line of GET `target` from the factory's HTTP side, with `headers` ("Name: value\r\n"...).
std::string http_status(remote_factory const& f, std::string const& target, std::string const& headers = "")
{
    auto const url = f.page_url();
    auto const port = url.substr(17, url.find('/', 17) - 17); // http://127.0.0.1:PORT/...
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket s(ioc);
    s.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(port))});
    auto const connection = headers.find("Upgrade:") == std::string::npos ? "close" : "Upgrade";
    std::string const req = "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + headers + "Connection: " + connection + "\r\n\r\n";
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
    EXPECT_EQ(f->user_agent(), "") << "no page has said hello yet";
    auto const hello = f->describe();
    ASSERT_EQ(hello.value("name", ""), "fake-page") << hello.dump();
    // The browser the described page runs in, as its control connection's request said.
    EXPECT_EQ(f->user_agent(), "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0");
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
    auto f = make_remote_factory({home, "fake", "", 2, 300ms, "", 16u << 20, 10000});
    EXPECT_NE(f->describe().value("error", "").find("E-ADAPTER-TIMEOUT: no page said hello within 300 ms"), std::string::npos);
    auto d = f->open([](json const&) {}, false);
    auto const r = d->execute(json{{"op", "call"}, {"fn", "wx.connectSocket"}}, 1000ms);
    EXPECT_EQ(r.kind, reply_kind::broken);
    EXPECT_NE(r.message.find("no page available"), std::string::npos) << r.message;
}

// A launcher that gives up (no browser) ends the wait for pages at once, with its
// exit status and its last words; the hello timeout (60 s here) is not waited out.
TEST(remote_driver, a_launcher_that_exits_ends_the_wait_for_pages_with_its_reason)
{
    auto f = make_remote_factory({home, "fake", "chromium", 2, 60000ms, "", 16u << 20, 10000});
    auto const error = f->describe().value("error", "");
    EXPECT_NE(error.find("E-ADAPTER-EXIT: the browser launcher (adapters/browser/launch.mjs) exited with status 3 "
                         "before any page said hello: launch: cannot find Chromium"),
              std::string::npos)
        << error;
    auto d = f->open([](json const&) {}, false);
    auto const r = d->execute(json{{"op", "call"}, {"fn", "wx.connectSocket"}}, 1000ms);
    EXPECT_EQ(r.kind, reply_kind::broken);
    EXPECT_NE(r.message.find("E-ADAPTER-EXIT: the browser launcher"), std::string::npos) << r.message;
}

TEST(remote_driver, serves_only_adapters_and_node_modules)
{
    auto f = make_remote_factory({home, "fake", "", 2, 300ms, "", 16u << 20, 10000});
    EXPECT_EQ(http_status(*f, "/adapters/browser/fake/README.md"), "HTTP/1.1 200 OK");
    EXPECT_EQ(http_status(*f, "/fake_page.mjs"), "HTTP/1.1 404 Not Found");
    EXPECT_EQ(http_status(*f, "/adapters/../fake_page.mjs"), "HTTP/1.1 404 Not Found");
    EXPECT_EQ(http_status(*f, "/adapters/browser/nothing.js"), "HTTP/1.1 404 Not Found");
}

TEST(remote_driver, an_unknown_platform_is_refused_naming_the_folder)
{
    try {
        make_remote_factory({home, "adapters/browser/nope", "", 2, 300ms, "", 16u << 20, 10000});
        FAIL() << "no error";
    } catch (std::runtime_error const& e) {
        EXPECT_NE(std::string(e.what()).find("no platform folder adapters/browser/nope"), std::string::npos) << e.what();
    }
}

TEST(remote_driver, a_built_page_folder_anywhere_stands_in_for_adapters_browser_name)
{
    namespace fs = std::filesystem;
    auto const dir = fs::temp_directory_path() / ("sockconf-page-" + std::to_string(::getpid())) / "elsewhere";
    fs::create_directories(dir / "dist");
    std::ofstream(dir / "dist/bundle.mjs") << "export const wx = {};\n";
    {
        auto f = make_remote_factory({home, dir.string() + "/", "", 2, 300ms, "", 16u << 20, 10000});
        EXPECT_NE(f->page_url().find("/adapters/browser/page.html?platform=elsewhere&"), std::string::npos) << f->page_url();
        EXPECT_EQ(http_status(*f, "/adapters/browser/elsewhere/dist/bundle.mjs"), "HTTP/1.1 200 OK");
        EXPECT_EQ(http_status(*f, "/adapters/browser/elsewhere/../fake/README.md"), "HTTP/1.1 200 OK") << "the home's";
        EXPECT_EQ(http_status(*f, "/adapters/browser/elsewhere/nothing.mjs"), "HTTP/1.1 404 Not Found");
    }
    // Without a bundle it is no page: the home's adapters/browser/elsewhere is looked for, and is not there.
    fs::remove(dir / "dist/bundle.mjs");
    EXPECT_THROW(make_remote_factory({home, dir.string(), "", 2, 300ms, "", 16u << 20, 10000}), std::runtime_error);
    fs::remove_all(dir.parent_path());
}

TEST(remote_driver, the_control_socket_wants_the_runs_secret_and_its_own_origin)
{
    std::vector<std::string> logged;
    std::mutex mu;
    remote_options o{home, "fake", "", 2, 300ms, "", 16u << 20, 10000};
    o.log = [&](std::string const& line) {
        std::lock_guard lk(mu);
        logged.push_back(line);
    };
    auto f = make_remote_factory(o);
    auto const url = f->page_url();
    auto const origin = url.substr(0, url.find('/', 7));             // http://127.0.0.1:PORT
    auto const control = url.substr(url.find("control=") + 8);       // ws://127.0.0.1:PORT/control?key=HEX
    auto const target = control.substr(control.find("/control"));    // /control?key=HEX
    auto const key = target.substr(target.find("key=") + 4);
    ASSERT_EQ(key.size(), 32u) << url; // 128 random bits
    EXPECT_EQ(make_remote_factory({home, "fake", "", 2, 300ms, "", 16u << 20, 10000})->page_url().find(key), std::string::npos)
        << "the secret is made per run";
    // An upgrade request as a client sends it (http_status adds "Connection: Upgrade").
    auto const ws_status = [&](std::string const& t, std::string const& extra) {
        return http_status(*f, t, "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + extra);
    };
    EXPECT_EQ(ws_status("/control", "Origin: " + origin + "\r\n"), "HTTP/1.1 403 Forbidden");
    EXPECT_EQ(ws_status("/control?key=" + std::string(32, '0'), "Origin: " + origin + "\r\n"), "HTTP/1.1 403 Forbidden");
    EXPECT_EQ(ws_status(target, "Origin: http://evil.example\r\n"), "HTTP/1.1 403 Forbidden");
    EXPECT_EQ(ws_status(target, ""), "HTTP/1.1 403 Forbidden");
    std::lock_guard lk(mu);
    ASSERT_EQ(logged.size(), 4u);
    EXPECT_NE(logged[0].find("refused a control connection from 127.0.0.1:"), std::string::npos) << logged[0];
    EXPECT_NE(logged[0].find("no secret"), std::string::npos) << logged[0];
    EXPECT_NE(logged[1].find("wrong secret"), std::string::npos) << logged[1];
    EXPECT_NE(logged[2].find("wrong origin: Origin \"http://evil.example\" is not " + origin), std::string::npos) << logged[2];
    EXPECT_NE(logged[3].find("wrong origin: no Origin header"), std::string::npos) << logged[3];
    for (auto const& l : logged)
        EXPECT_NE(l.find("[E-ADAPTER-REFUSED]"), std::string::npos) << l;
    EXPECT_EQ(logged[0].find(key), std::string::npos) << "the log does not spread the secret";
}

TEST(remote_driver, a_page_with_the_secret_and_origin_is_accepted)
{
    // The stand-in page presents both (fake_page.mjs): it joins the pool.
    auto f = factory();
    open_page(*f);
    EXPECT_EQ(f->describe().value("name", ""), "fake-page");
}
