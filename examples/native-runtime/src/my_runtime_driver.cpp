// My runtime behind sockconf's driver interface (my_runtime_driver.hpp says what a real SDK
// replaces). The contract, from sockconf/harness/driver.hpp and sockconf/ref/binding.hpp:
//   - execute() takes one command ({"op":"call"|"get"|"batch"|"clock", …}) and answers
//     {"ok":true,"value":…} or {"ok":false,"thrown"|"error":…}, never waiting longer than
//     its timeout;
//   - every call the runtime makes of a function the harness passed ({"$fn":"NAME"}) goes to
//     the event sink as {"op":"invoke","fn":"NAME","args":[…],"sync":…}, in order.
// The runtime has its own event loop; commands run on it, as the runtime's JS would.
#include "my_runtime_driver.hpp"

#include <sockconf/ref/binding.hpp>
#include <sockconf/ref/runtime.hpp>

#include <chrono>
#include <exception>
#include <string>

namespace my_sdk {

namespace {

using namespace std::chrono_literals;
namespace harness = sockconf::harness;

class my_runtime_driver final : public harness::driver {
public:
    my_runtime_driver(sockconf::profile const& p, std::string const& ca, harness::event_sink sink)
        : rt_(p, sockconf::ref::runtime_options{ca})
    {
        rt_.run_sync([&] { binding_ = std::make_unique<sockconf::ref::binding>(rt_, std::move(sink)); }, 5s);
    }

    ~my_runtime_driver() override
    {
        rt_.run_sync([&] { binding_.reset(); }, 5s);
    }

    sockconf::json hello() const override
    {
        sockconf::json h;
        rt_.run_sync([&] { h = binding_->hello(); }, 5s);
        // Who is under test, as the report shows it.
        h["name"] = "my-runtime (example; sockconf's reference inside)";
        h["host"] = "native";
        return h;
    }

    harness::reply execute(sockconf::json const& command, std::chrono::milliseconds timeout) override
    {
        // Shared, not captured by reference: after a timeout the command may still run, later.
        auto result = std::make_shared<sockconf::json>();
        auto crash = std::make_shared<std::string>();
        bool const done = rt_.run_sync(
            [this, result, crash, command] {
                try {
                    if (binding_)
                        *result = binding_->execute(command);
                } catch (std::exception const& e) {
                    *crash = e.what(); // the runtime broke: the case is ERROR, the run goes on
                }
            },
            timeout);
        if (!done)
            return {harness::reply_kind::timeout, {}, "my runtime did not answer in time"};
        if (!crash->empty())
            return {harness::reply_kind::broken, {}, "my runtime threw: " + *crash};
        return harness::reply_from_json(*result);
    }

private:
    mutable sockconf::ref::runtime rt_;
    std::unique_ptr<sockconf::ref::binding> binding_;
};

} // namespace

my_runtime_factory::my_runtime_factory(sockconf::profile profile, std::string trusted_ca_pem)
    : profile_(std::move(profile)), trusted_ca_pem_(std::move(trusted_ca_pem))
{
}

std::unique_ptr<harness::driver> my_runtime_factory::open(harness::event_sink sink, bool /*fresh*/)
{
    // A new runtime per case: every instance is fresh.
    return std::make_unique<my_runtime_driver>(profile_, trusted_ca_pem_, std::move(sink));
}

sockconf::json my_runtime_factory::describe()
{
    return my_runtime_driver(profile_, trusted_ca_pem_, [](sockconf::json const&) {}).hello();
}

} // namespace my_sdk
