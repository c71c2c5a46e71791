// The control API of `sockconf serve --control` (control.hpp): Beast HTTP, one
// request per connection, on an io_context and thread of its own so that a slow
// client never delays the echo servers.
#include <sockconf/echo/control.hpp>

#include "detail/control_request.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>
#include <optional>
#include <thread>
#include <variant>

namespace sockconf::echo {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

template <class Int>
std::optional<Int> parse_int(std::string_view s)
{
    Int v{};
    auto const [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

control_reply error(unsigned status, std::string text, std::string errc = {})
{
    json body{{"error", std::move(text)}};
    if (!errc.empty())
        body["errc"] = std::move(errc);
    return {status, std::move(body)};
}

/// "permission_denied" for std::errc::permission_denied, and so on: the names a
/// script can test without knowing numbers.
std::string errc_name(std::error_code const& ec)
{
    if (ec == std::errc::permission_denied) return "permission_denied";
    if (ec == std::errc::address_in_use) return "address_in_use";
    if (ec == std::errc::operation_not_permitted) return "operation_not_permitted";
    if (ec == std::errc::address_not_available) return "address_not_available";
    if (ec == std::errc::address_family_not_supported) return "address_family_not_supported";
    return "other";
}

} // namespace

std::variant<detail::control_request, control_reply>
detail::read_control_request(std::string_view method, std::string_view target, std::string const& host)
{
    auto const parsed = boost::urls::parse_origin_form(target);
    if (!parsed)
        return error(400, "bad request target: " + parsed.error().message());
    control_request out;
    out.path = parsed->path();
    auto const& path = out.path;
    if (path != "/listen" && path != "/unlisten" && path != "/wire" && path != "/closed-port")
        return error(404, "unknown path " + path + " (/listen, /unlisten, /wire, /closed-port)");
    if (method != "GET")
        return error(405, "only GET");
    std::string behaviour = "echo";
    std::optional<std::string> bytes, port, family;
    for (auto const& p : parsed->params()) {
        if (p.key == "tag") out.tag = p.value;
        else if (p.key == "behaviour") behaviour = p.value;
        else if (p.key == "bytes") bytes = p.value;
        else if (p.key == "port") port = p.value;
        else if (p.key == "family") family = p.value;
    }
    if (path == "/wire" || path == "/closed-port")
        return out;
    std::optional<std::uint16_t> const port_number = port ? parse_int<std::uint16_t>(*port) : std::uint16_t{0};
    if (!port_number)
        return error(400, "port must be a number 0-65535, got \"" + *port + "\"");
    out.port = *port_number;
    auto const address = family ? listen_address_for(*family, host) : host;
    if (!address)
        return error(400, "family must be ipv4 or ipv6, got \"" + *family + "\"");
    out.address = *address;
    if (path == "/unlisten") {
        if (!out.port)
            return error(400, "/unlisten needs port=P");
        return out;
    }
    auto const kind = tcp_behaviour_from_name(behaviour);
    if (!kind)
        return error(400, "unknown behaviour \"" + behaviour + "\" (" + tcp_behaviour_names() + ")");
    out.behaviour.kind = *kind;
    if (bytes) {
        auto const n = parse_int<std::uint64_t>(*bytes);
        if (!n)
            return error(400, "bytes must be a number, got \"" + *bytes + "\"");
        out.behaviour.bytes = *n;
    }
    return out;
}

control_reply answer_control(servers& s, std::string_view method, std::string_view target)
{
    auto read = detail::read_control_request(method, target, s.host());
    if (auto const* bad = std::get_if<control_reply>(&read))
        return *bad;
    auto const& req = std::get<detail::control_request>(read);
    if (req.path == "/wire") {
        json records = json::array();
        for (auto const& r : s.log().by_tag(req.tag))
            records.push_back(r.to_json());
        // evicted: records the log dropped to stay within wire_log_max_records (a
        // tag's record may be among them: then it is missing, not never made).
        return {200, {{"records", std::move(records)}, {"evicted", s.log().evicted()}}};
    }
    if (req.path == "/closed-port") {
        // Held (a `refuse` listener) until /unlisten: a port bound and closed at
        // once was free for any other socket before the client connected to it.
        std::error_code ec;
        auto const p = s.open_tcp_listener(req.tag, {tcp_behaviour_kind::refuse}, 0, {}, ec);
        if (!p)
            return error(500, "could not hold a closed port: " + ec.message(), errc_name(ec));
        return {200, {{"port", p}, {"tag", req.tag}, {"host", s.host()}}};
    }
    if (req.path == "/unlisten") {
        s.close_tcp_listener(req.port, req.address);
        return {200, {{"closed", req.port}}};
    }
    std::error_code ec;
    auto const opened = s.open_tcp_listener(req.tag, req.behaviour, req.port, req.address, ec);
    if (!opened)
        return error(409, "cannot listen on " + host_port(req.address, req.port) + ": " + ec.message(),
                     errc_name(ec));
    return {200, {{"port", opened}, {"tag", req.tag}, {"host", req.address}}};
}

namespace {

class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket sock, servers& s) : stream_(std::move(sock)), servers_(s) {}

    void run()
    {
        detail::limit_control_request(parser_);
        stream_.expires_after(std::chrono::seconds(5));
        http::async_read(stream_, buffer_, parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

private:
    void on_read(beast::error_code ec)
    {
        if (ec)
            return; // timed out or gone: nothing to answer
        auto const& req = parser_.get();
        auto const reply = answer_control(servers_, std::string(req.method_string()), std::string(req.target()));
        res_.version(req.version());
        res_.result(reply.status);
        res_.set(http::field::content_type, "application/json");
        res_.set(http::field::access_control_allow_origin, "*");
        res_.set(http::field::cache_control, "no-store");
        res_.keep_alive(false);
        res_.body() = reply.body.dump(-1, ' ', false, json::error_handler_t::replace);
        res_.prepare_payload();
        http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code, std::size_t) {
            beast::error_code ignored;
            self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        });
    }

    beast::tcp_stream stream_;
    servers& servers_;
    beast::flat_buffer buffer_;
    http::request_parser<http::string_body> parser_;
    http::response<http::string_body> res_;
};

} // namespace

struct control_server::impl {
    explicit impl(servers& s) : srv(s) {}
    servers& srv;
    asio::io_context ioc;
    tcp::acceptor acceptor{ioc};
    std::thread thread;

    void accept()
    {
        acceptor.async_accept([this](beast::error_code ec, tcp::socket sock) {
            if (ec)
                return; // closed by stop()
            std::make_shared<session>(std::move(sock), srv)->run();
            accept();
        });
    }
};

control_server::control_server(servers& s) : impl_(std::make_unique<impl>(s)) {}

control_server::~control_server() { stop(); }

void control_server::start(std::uint16_t port)
{
    tcp::endpoint const ep(asio::ip::make_address(impl_->srv.host()), port);
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    impl_->accept();
    impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

void control_server::stop()
{
    if (!impl_ || !impl_->thread.joinable())
        return;
    impl_->ioc.stop();
    impl_->thread.join();
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
}

std::string control_server::url() const
{
    boost::system::error_code ec;
    auto const ep = impl_->acceptor.local_endpoint(ec);
    return "http://" + impl_->srv.host() + ":" + std::to_string(ec ? 0 : ep.port());
}

} // namespace sockconf::echo
