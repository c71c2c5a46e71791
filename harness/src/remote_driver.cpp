// Remote driver: an HTTP + control-WebSocket server on loopback, a pool of
// connected pages, and (optionally) the browser that opens them.
#include <sockconf/harness/remote_driver.hpp>
#include <sockconf/harness/page_folder.hpp>

#include <algorithm>

#include "detail/adapter_link.hpp"
#include "detail/no_inherited_descriptors.hpp"

#include <sockconf/common/polling_wait.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/group.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>

#include <atomic>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <condition_variable>
#include <csignal>
#include <deque>
#include <iostream>
#include <optional>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace sockconf::harness {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace bp = boost::process;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

/// How long adapters/browser/launch.mjs gives a browser to start before it gives up (exit 3):
/// its LAUNCH_TIMEOUT_MS.
constexpr std::chrono::milliseconds browser_start_max{30000};
/// The end of the launcher's log quoted when it exited early: its last words say why.
constexpr std::size_t launcher_log_tail = 2000;

/// One connected page: an IUT instance of the pool.
struct page_conn {
    std::unique_ptr<detail::adapter_link> link;
    bool busy = false; ///< a case holds it
    bool used = false; ///< a case held it (so it is not fresh)
    std::string user_agent; ///< the User-Agent of its control connection's request: the browser it runs in
};

class factory_impl;

/// The control WebSocket of one page.
class control_session : public std::enable_shared_from_this<control_session> {
public:
    control_session(tcp::socket s, factory_impl& f) : ws_(std::move(s)), f_(f) {}
    void run(http::request<http::string_body> req);
    /// Any thread. False once the connection is gone.
    bool send(std::string text);

private:
    void read();
    void write_next();
    void closed(std::string const& why);

    websocket::stream<beast::tcp_stream> ws_;
    factory_impl& f_;
    beast::flat_buffer buf_;
    std::shared_ptr<page_conn> page_;
    std::deque<std::string> out_;
    bool writing_ = false;
    std::atomic<bool> gone_{false};
    std::size_t frames_ = 0;
};

/// One HTTP request: a file under adapters/ or node_modules/, or the upgrade to /control.
class http_session : public std::enable_shared_from_this<http_session> {
public:
    http_session(tcp::socket s, factory_impl& f) : stream_(std::move(s)), f_(f) {}
    void run()
    {
        stream_.expires_after(10s);
        http::async_read(stream_, buf_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (!ec)
                self->handle();
        });
    }

private:
    void handle();
    template <class Body>
    void reply(http::response<Body> res)
    {
        auto sp = std::make_shared<http::response<Body>>(std::move(res));
        sp->keep_alive(false);
        sp->prepare_payload();
        http::async_write(stream_, *sp, [self = shared_from_this(), sp](beast::error_code, std::size_t) {
            beast::error_code ignored;
            self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        });
    }

    beast::tcp_stream stream_;
    factory_impl& f_;
    beast::flat_buffer buf_;
    http::request<http::string_body> req_;
};

class remote_driver final : public driver {
public:
    remote_driver(std::shared_ptr<page_conn> page, factory_impl& f) : page_(std::move(page)), f_(f) {}
    ~remote_driver() override;
    json hello() const override { return page_->link->hello(); }
    reply execute(json const& command, std::chrono::milliseconds timeout) override
    {
        auto r = page_->link->execute(command, timeout);
        if (r.kind == reply_kind::timeout)
            timed_out_ = true;
        return r;
    }

private:
    std::shared_ptr<page_conn> page_;
    factory_impl& f_;
    bool timed_out_ = false; ///< a command went unanswered: the page is not trusted with another case
};

class factory_impl final : public remote_factory {
public:
    explicit factory_impl(remote_options o) : o_(std::move(o)), acceptor_(ioc_)
    {
        auto const folder = resolve_page_folder(o_.home, o_.page);
        platform_ = folder.platform;
        page_dir_ = folder.dir;
        if (platform_.empty() || !fs::is_directory(page_dir_))
            throw std::runtime_error("no platform folder " + o_.page + " (with dist/bundle.mjs), nor adapters/browser/" +
                                     platform_ + " under " + o_.home);
        tcp::endpoint const ep(asio::ip::make_address("127.0.0.1"), 0);
        acceptor_.open(ep.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(ep);
        acceptor_.listen();
        auto const port = std::to_string(acceptor_.local_endpoint().port());
        secret_ = make_secret();
        origin_ = "http://127.0.0.1:" + port;
        // The control URL goes last and unencoded: a query value may hold '/', ':', '?'
        // and '=' (RFC 3986), and URLSearchParams splits at the first '=' only.
        url_ = origin_ + "/adapters/browser/page.html?platform=" + platform_ + "&control=ws://127.0.0.1:" + port +
               "/control?key=" + secret_;
        accept();
        thread_ = std::thread([this] { ioc_.run(); });
        if (!o_.browser.empty())
            launch();
    }

    ~factory_impl() override
    {
        {
            std::lock_guard lk(mu_);
            for (auto const& p : pages_)
                p->link->bye();
        }
        if (launcher_) {
            std::error_code ec;
            launcher_in_.pipe().close(); // the launcher closes the browser when its stdin ends
            for (int i = 0; i < 300 && launcher_->running(ec); ++i)
                std::this_thread::sleep_for(10ms);
            group_.terminate(ec);
            launcher_->wait(ec);
            group_.detach();
        }
        if (!ca_path_.empty()) {
            std::error_code ec;
            fs::remove(ca_path_, ec);
        }
        ioc_.stop();
        if (thread_.joinable())
            thread_.join();
    }

    std::string page_url() const override { return url_; }

    json describe() override
    {
        std::unique_lock lk(mu_);
        // A browser the harness launched first has to start: the page's wait begins once it
        // could have (firefox-esr took 11 s to start on a loaded 2-core machine, its first
        // page's hello 10 s more).
        auto const first_wait = o_.hello_timeout + (launcher_ ? browser_start_max : 0ms);
        if (!wait_polling(cv_, lk, std::chrono::steady_clock::now() + first_wait,
                          [&] { return idle_page(false) != nullptr || launcher_gone() || interrupted(); })) {
            return json{{"error", "E-ADAPTER-TIMEOUT: no page said hello within " + std::to_string(first_wait.count()) +
                                      " ms (" + url_ + ")" + launcher_log()}};
        }
        if (!idle_page(false))
            return json{{"error", launcher_gone() ? launcher_exit_message("before any page said hello")
                                                  : "E-ADAPTER-TIMEOUT: interrupted before any page said hello"}};
        // A launched browser loads all its pages at once; cases started meanwhile would
        // time that load, not the IUT (a 200 ms handshake took 3 s). Start once every page
        // said hello, or when hello_timeout is up, with those that did.
        if (launcher_)
            wait_polling(cv_, lk, std::chrono::steady_clock::now() + o_.hello_timeout, [&] {
                return launcher_gone() || interrupted() ||
                       std::count_if(pages_.begin(), pages_.end(), [](auto const& p) {
                           return !p->link->dead() && !p->link->hello().contains("error");
                       }) >= o_.pages;
            });
        auto const page = idle_page(false);
        if (!page) // the pages that said hello went away meanwhile (with the launcher, or on their own)
            return json{{"error", launcher_gone() ? launcher_exit_message("while its pages were saying hello")
                                                  : "E-ADAPTER-EXIT: the pages that said hello closed their control "
                                                    "connections (" + url_ + ")" + launcher_log()}};
        described_user_agent_ = page->user_agent;
        return page->link->hello();
    }

    std::string user_agent() override
    {
        std::lock_guard lk(mu_);
        return described_user_agent_;
    }

    std::unique_ptr<driver> open(event_sink sink, bool fresh) override
    {
        auto const deadline = std::chrono::steady_clock::now() + o_.hello_timeout;
        std::unique_lock lk(mu_);
        for (;;) {
            std::shared_ptr<page_conn> page;
            wait_polling(cv_, lk, deadline, [&] {
                if (fresh && !idle_page(true) && reloading_ == 0)
                    retire_one(); // a used idle page reloads and comes back fresh
                return idle_page(fresh) != nullptr || launcher_gone() || interrupted();
            });
            page = idle_page(fresh);
            if (!page && launcher_gone())
                return dead_driver(launcher_exit_message(std::string("with no ") + (fresh ? "fresh " : "") +
                                                         "page available"));
            if (!page)
                return dead_driver(std::string("E-ADAPTER-TIMEOUT: no ") + (fresh ? "fresh " : "") + "page available " +
                                   (interrupted() ? "(interrupted)"
                                                  : "within " + std::to_string(o_.hello_timeout.count()) + " ms") +
                                   launcher_log());
            page->busy = true;
            bool const was_used = page->used;
            page->used = true;
            lk.unlock();
            auto const r = was_used ? page->link->reset(o_.hello_timeout) : reply{reply_kind::value, nullptr, {}};
            lk.lock();
            if (r.kind == reply_kind::value) {
                page->link->set_sink(std::move(sink));
                return std::make_unique<remote_driver>(page, *this);
            }
            drop(page); // it could not reset: try another one
        }
    }

    // ---- for the sessions and drivers ------------------------------------------

    std::shared_ptr<page_conn> add_page(std::weak_ptr<control_session> session, std::string user_agent)
    {
        auto p = std::make_shared<page_conn>();
        p->user_agent = std::move(user_agent);
        p->link = std::make_unique<detail::adapter_link>(
            [session](std::string const& text) {
                auto s = session.lock();
                return s && s->send(text);
            },
            [] { return std::string(); }, limits());
        std::lock_guard lk(mu_);
        pages_.push_back(p);
        if (reloading_ > 0)
            --reloading_;
        return p;
    }

    /// A page's hello arrived or its connection ended: waiters re-check.
    void changed() { cv_.notify_all(); }

    /// A case is done with `p`. A page that broke the protocol or let a command go
    /// unanswered is not given another case: it is told to reload (a fresh instance
    /// comes back if it still can) and leaves the pool.
    void release(std::shared_ptr<page_conn> const& p, bool timed_out)
    {
        p->link->set_sink(nullptr);
        if (timed_out && !p->link->dead())
            p->link->on_closed("E-ADAPTER-TIMEOUT: a command went unanswered; the page was told to reload");
        std::lock_guard lk(mu_);
        p->busy = false;
        if (p->link->dead()) {
            p->link->bye();
            drop(p);
        }
        cv_.notify_all();
    }

    detail::adapter_limits limits() const { return {o_.message_max_bytes, o_.case_events_max, o_.interrupted}; }

    /// Why a control upgrade must be refused ("" when it may go on): it must carry
    /// this run's secret (?key=, in the control URL of page_url()) and come from a page
    /// this server served (Origin: http://127.0.0.1:PORT). A browser sends Origin on
    /// every WebSocket and a page cannot forge it, so another site open in the same
    /// browser cannot drive, or pose as, an IUT; the secret keeps out other local users
    /// and programs that did not get the URL.
    std::string refusal(http::request<http::string_body> const& req) const
    {
        auto const target = std::string(req.target());
        auto const q = target.find('?');
        std::string key;
        bool has_key = false;
        for (std::size_t at = q == std::string::npos ? target.size() : q + 1; at < target.size();) {
            auto const amp = std::min(target.find('&', at), target.size());
            auto const param = target.substr(at, amp - at);
            if (param.rfind("key=", 0) == 0) {
                key = param.substr(4);
                has_key = true;
            }
            at = amp + 1;
        }
        if (!has_key)
            return "no secret: the URL has no key=";
        if (key.size() != secret_.size() || CRYPTO_memcmp(key.data(), secret_.data(), key.size()) != 0)
            return "wrong secret: key= is not this run's";
        auto const origin = req.find(http::field::origin);
        if (origin == req.end())
            return "wrong origin: no Origin header (expected " + origin_ + ")";
        if (origin->value() != origin_)
            return "wrong origin: Origin \"" + std::string(origin->value().substr(0, 200)) + "\" is not " + origin_;
        return "";
    }

    void log_refusal(std::string const& line) const
    {
        if (o_.log)
            o_.log(line);
        else
            std::cerr << "sockconf: " << line << std::endl;
    }

    fs::path const& home() const { return home_; }
    /// The file a request's path (relative, normalised) names: under the page folder for
    /// adapters/browser/NAME/…, else under the home.
    fs::path file_of(fs::path const& rel) const
    {
        auto const prefix = fs::path("adapters/browser") / platform_;
        auto const rest = rel.lexically_relative(prefix);
        if (!rest.empty() && *rest.begin() != "..")
            return page_dir_ / rest;
        return home_ / rel;
    }

private:
    void accept()
    {
        acceptor_.async_accept([this](beast::error_code ec, tcp::socket s) {
            if (ec)
                return;
            std::make_shared<http_session>(std::move(s), *this)->run();
            accept();
        });
    }

    /// Caller holds mu_. An idle page that said hello (and was never used, if `fresh`).
    std::shared_ptr<page_conn> idle_page(bool fresh)
    {
        for (auto const& p : pages_)
            if (!p->busy && !p->link->dead() && !(fresh && p->used) && !p->link->hello().contains("error"))
                return p;
        return nullptr;
    }

    /// Caller holds mu_. Tell one used idle page to reload.
    void retire_one()
    {
        for (auto const& p : pages_)
            if (!p->busy && p->used && !p->link->dead()) {
                p->link->bye();
                p->link->on_closed("retired: reloading for a fresh instance");
                drop(p);
                ++reloading_;
                return;
            }
    }

    /// Caller holds mu_.
    void drop(std::shared_ptr<page_conn> const& p) { std::erase(pages_, p); }

    /// 128 random bits, hex: this run's control secret.
    static std::string make_secret()
    {
        unsigned char bytes[16];
        if (RAND_bytes(bytes, sizeof bytes) != 1)
            throw std::runtime_error("cannot make the control WebSocket's secret: OpenSSL RAND_bytes failed");
        static char const hex[] = "0123456789abcdef";
        std::string out;
        for (auto b : bytes) {
            out += hex[b >> 4];
            out += hex[b & 15];
        }
        return out;
    }

    std::unique_ptr<driver> dead_driver(std::string why)
    {
        auto p = std::make_shared<page_conn>();
        p->link = std::make_unique<detail::adapter_link>([](std::string const&) { return false; }, [] { return std::string(); },
                                                         limits());
        p->link->on_closed(why);
        p->busy = true;
        return std::make_unique<remote_driver>(p, *this);
    }

    void launch()
    {
        auto const script = (fs::path(o_.home) / "adapters/browser/launch.mjs").string();
        auto const log = fs::temp_directory_path() / ("sockconf-browser-" + std::to_string(::getpid()) + ".log");
        log_path_ = log.string();
        std::vector<std::string> args = {"node", script, "--browser", o_.browser, "--url", url_, "--pages", std::to_string(o_.pages)};
        if (!o_.ca_pem.empty()) {
            // wss:// to the echo servers: the launched browser trusts exactly their CA (Chromium its
            // key, Firefox the certificate in a fresh profile: launch.mjs), so the file outlives the launch.
            ca_path_ = fs::temp_directory_path() / ("sockconf-browser-" + std::to_string(::getpid()) + "-" +
                                                    std::to_string(++launches_) + "-ca.pem");
            std::ofstream(ca_path_) << o_.ca_pem;
            if (!fs::exists(ca_path_))
                throw std::runtime_error("cannot write the echo servers' CA to " + ca_path_.string());
            args.insert(args.end(), {"--trust-ca", ca_path_.string()});
        }
        try {
            // No descriptor of ours but its stdin and log (detail/no_inherited_descriptors.hpp).
            launcher_.emplace(bp::exe = "/usr/bin/env", bp::args = args, bp::std_in < launcher_in_,
                              (bp::std_out & bp::std_err) > log_path_, group_, detail::no_inherited_descriptors{});
        } catch (std::exception const& e) {
            throw std::runtime_error("cannot start " + script + ": " + e.what());
        }
    }

    /// Caller holds mu_. The browser the harness launched is gone (launch.mjs exited:
    /// no browser, or it went away, and with it every page), so no page will come.
    bool launcher_gone()
    {
        std::error_code ec;
        return launcher_ && !launcher_->running(ec);
    }

    bool interrupted() const { return o_.interrupted && o_.interrupted->load(); }

    /// Caller holds mu_, after launcher_gone(): E-ADAPTER-EXIT with the launcher's exit
    /// status and the end of its log (why it gave up: launch.mjs says so on stderr).
    std::string launcher_exit_message(std::string const& when)
    {
        std::string out = "E-ADAPTER-EXIT: the browser launcher (adapters/browser/launch.mjs) exited with status " +
                          std::to_string(launcher_->exit_code()) + " " + when;
        std::ifstream in(log_path_, std::ios::binary);
        std::string const log{std::istreambuf_iterator<char>(in), {}};
        if (auto const tail = std::string_view(log).substr(log.size() > launcher_log_tail ? log.size() - launcher_log_tail : 0);
            !tail.empty())
            out += ": " + std::string(tail.substr(0, tail.find_last_not_of("\r\n") + 1));
        return out + launcher_log();
    }

    std::string launcher_log() const
    {
        if (log_path_.empty())
            return "";
        std::error_code ec;
        auto const size = fs::file_size(log_path_, ec);
        return ec || size == 0 ? "" : " (browser log: " + log_path_ + ")";
    }

    remote_options o_;
    fs::path home_ = fs::path(o_.home);
    std::string platform_, url_;
    fs::path page_dir_; ///< the platform's folder: --iut-page's DIR, or HOME/adapters/browser/NAME
    std::string secret_, origin_; ///< what a control upgrade must carry (refusal())
    asio::io_context ioc_;
    tcp::acceptor acceptor_;
    std::thread thread_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::shared_ptr<page_conn>> pages_;
    int reloading_ = 0; ///< pages told to reload, not yet back
    bp::opstream launcher_in_;
    bp::group group_;
    std::optional<bp::child> launcher_;
    std::string log_path_;
    fs::path ca_path_;                 ///< the CA handed to the launcher (removed at the end)
    std::string described_user_agent_; ///< of the page whose hello describe() gave
    static inline std::atomic<int> launches_{0}; ///< tells apart the CA files of one process's runs
};

remote_driver::~remote_driver() { f_.release(page_, timed_out_); }

// ---- control_session ------------------------------------------------------------

void control_session::run(http::request<http::string_body> req)
{
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    // Beast fails a longer frame (message_too_big) before buffering it whole.
    ws_.read_message_max(f_.limits().message_max_bytes);
    // The browser the page runs in, for the report (its engine): what its own request says.
    ws_.async_accept(req, [self = shared_from_this(), ua = std::string(req[http::field::user_agent])](beast::error_code ec) {
        if (ec)
            return;
        self->page_ = self->f_.add_page(self, ua);
        self->read();
    });
}

bool control_session::send(std::string text)
{
    if (gone_)
        return false;
    asio::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
        self->out_.push_back(std::move(text));
        if (!self->writing_)
            self->write_next();
    });
    return true;
}

void control_session::write_next()
{
    if (out_.empty() || gone_) {
        writing_ = false;
        return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(out_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->out_.pop_front();
        if (ec)
            return self->closed("E-ADAPTER-EXIT: the page's control connection failed: " + ec.message());
        self->write_next();
    });
}

void control_session::read()
{
    ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec == websocket::error::message_too_big && self->page_)
            self->page_->link->on_too_long("control frame " + std::to_string(self->frames_ + 1));
        if (ec)
            return self->closed("E-ADAPTER-EXIT: the page closed its control connection (" + ec.message() + ")");
        auto const text = beast::buffers_to_string(self->buf_.data());
        self->buf_.consume(self->buf_.size());
        self->page_->link->on_message(text, "control frame " + std::to_string(++self->frames_));
        self->f_.changed();
        self->read();
    });
}

void control_session::closed(std::string const& why)
{
    gone_ = true;
    if (page_)
        page_->link->on_closed(why);
    f_.changed();
}

// ---- http_session -----------------------------------------------------------------

std::string_view content_type(fs::path const& p)
{
    auto const ext = p.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".js" || ext == ".mjs" || ext == ".cjs") return "text/javascript; charset=utf-8";
    if (ext == ".json" || ext == ".map") return "application/json";
    if (ext == ".css") return "text/css";
    return "application/octet-stream";
}

void http_session::handle()
{
    auto target = std::string(req_.target());
    if (websocket::is_upgrade(req_)) {
        if (target.rfind("/control", 0) == 0) {
            if (auto const why = f_.refusal(req_); !why.empty()) {
                beast::error_code ec;
                auto const peer = stream_.socket().remote_endpoint(ec);
                auto const from = ec ? std::string("?") : peer.address().to_string() + ":" + std::to_string(peer.port());
                f_.log_refusal("refused a control connection from " + from + ": " + why + " [E-ADAPTER-REFUSED]");
                http::response<http::string_body> res{http::status::forbidden, req_.version()};
                res.set(http::field::content_type, "text/plain");
                res.body() = "refused: " + why + "\n";
                return reply(std::move(res));
            }
            return std::make_shared<control_session>(stream_.release_socket(), f_)->run(std::move(req_));
        }
    }
    auto const path_part = target.substr(0, target.find('?'));
    auto const rel = fs::path(path_part.substr(1)).lexically_normal();
    auto const first = rel.begin() == rel.end() ? std::string() : rel.begin()->string();
    auto const file = f_.file_of(rel);
    std::error_code ec;
    if (req_.method() != http::verb::get || (first != "adapters" && first != "node_modules") ||
        rel.string().find("..") != std::string::npos || !fs::is_regular_file(file, ec)) {
        http::response<http::string_body> res{http::status::not_found, req_.version()};
        res.set(http::field::content_type, "text/plain");
        res.body() = "not found: " + path_part + " (sockconf serves /adapters/ and /node_modules/)\n";
        return reply(std::move(res));
    }
    http::file_body::value_type body;
    beast::error_code bec;
    body.open(file.c_str(), beast::file_mode::scan, bec);
    if (bec) {
        http::response<http::string_body> res{http::status::internal_server_error, req_.version()};
        res.body() = "cannot read " + path_part + ": " + bec.message() + "\n";
        return reply(std::move(res));
    }
    http::response<http::file_body> res{http::status::ok, req_.version()};
    res.set(http::field::content_type, content_type(file));
    res.set(http::field::cache_control, "no-store");
    res.body() = std::move(body);
    reply(std::move(res));
}

} // namespace

std::unique_ptr<remote_factory> make_remote_factory(remote_options opts)
{
    std::signal(SIGPIPE, SIG_IGN);
    return std::make_unique<factory_impl>(std::move(opts));
}

} // namespace sockconf::harness
