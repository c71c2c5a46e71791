// Test fixture: the echo servers on ephemeral loopback ports, announced as one
// JSON line, until SIGINT/SIGTERM. Driven by ws_client_test.mjs.
#include <sockconf/echo/serve.hpp>

#include <exception>
#include <iostream>

int main()
{
    try {
        return sockconf::echo::serve_until_signal({}, true, std::cout);
    } catch (std::exception const& e) {
        std::cerr << "echo_serve: " << e.what() << '\n';
        return 1;
    }
}
