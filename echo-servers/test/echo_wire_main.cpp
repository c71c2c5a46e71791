// Test fixture: the echo servers (default options) for a test that drives a
// client of its own (wire_chromium.test.mjs: headless Chromium) and then checks
// the wire records.
//
//   stdout, first line:  {"ws":"ws://127.0.0.1:P","wss":"wss://127.0.0.1:Q","ca_pem":"..."}
//   every line on stdin: answered with one line, the wire log as a JSON array of
//                        wire_record::to_json()
//   stdin ends:          the wire log once more, then stop and exit 0
//
// A parent that dies closes stdin, so the fixture never outlives it.
#include <sockconf/echo/servers.hpp>

#include <exception>
#include <iostream>
#include <string>

namespace {

void dump(sockconf::echo::servers const& s)
{
    sockconf::json records = sockconf::json::array();
    for (auto const& r : s.log().all())
        records.push_back(r.to_json());
    std::cout << records.dump() << '\n' << std::flush;
}

} // namespace

int main()
{
    try {
        sockconf::echo::servers s;
        s.start();
        std::cout << sockconf::json{{"ws", s.ws_url()}, {"wss", s.wss_url()}, {"ca_pem", s.ca_pem()}}.dump() << '\n'
                  << std::flush;
        for (std::string line; std::getline(std::cin, line);)
            dump(s);
        dump(s);
        s.stop();
        return 0;
    } catch (std::exception const& e) {
        std::cerr << "echo_wire: " << e.what() << '\n';
        return 1;
    }
}
