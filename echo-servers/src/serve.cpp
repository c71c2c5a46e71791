#include <sockconf/echo/control.hpp>
#include <sockconf/echo/serve.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <ostream>

namespace sockconf::echo {

int serve_until_signal(server_options const& opts, bool json_output, std::ostream& out, bool control)
{
    // The signal set exists before the servers announce themselves, so a parent
    // that signals as soon as it reads the line is never killed by the default action.
    boost::asio::io_context signals_ioc;
    boost::asio::signal_set signals(signals_ioc, SIGINT, SIGTERM);
    signals.async_wait([](boost::system::error_code, int) {});

    servers s(opts);
    s.start();
    control_server ctl(s);
    if (control)
        ctl.start();
    if (json_output) {
        json line{{"ws", s.ws_url()}, {"tcp", {{"host", s.host()}, {"port", s.tcp_port()}}}};
        if (!s.wss_url().empty()) {
            line["wss"] = s.wss_url();
            line["ca_pem"] = s.ca_pem();
        }
        if (control)
            line["control"] = ctl.url();
        out << line.dump() << '\n';
    } else {
        out << "sockconf echo servers (Ctrl-C to stop)\n"
            << "  ws   " << s.ws_url() << '\n';
        if (!s.wss_url().empty())
            out << "  wss  " << s.wss_url() << '\n';
        out << "  tcp  " << s.host() << ':' << s.tcp_port() << '\n';
        if (control)
            out << "  control  " << ctl.url() << "  (HTTP: /listen, /unlisten, /wire, /closed-port)\n";
    }
    out.flush();

    signals_ioc.run(); // returns once the signal handler ran
    // The default action again: a second Ctrl-C while the servers stop ends the process at once.
    boost::system::error_code ignored;
    signals.clear(ignored);
    ctl.stop();
    s.stop();
    return 0;
}

} // namespace sockconf::echo
