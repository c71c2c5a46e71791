// The one file a native SDK writes to be tested by sockconf in process: its runtime behind
// sockconf's driver interface (sockconf/harness/driver.hpp). A driver is one instance of the
// runtime for one case; the factory makes them.
//
// Here the runtime under test is "my runtime", and sockconf's reference implementation
// (sockconf::reference) stands in for it: a real SDK puts its own runtime where
// sockconf::ref::runtime is in my_runtime_driver.cpp, and its own translation of the
// harness's commands where sockconf::ref::binding is.
#pragma once

#include <sockconf/common/profile.hpp>
#include <sockconf/harness/driver.hpp>

#include <memory>
#include <string>

namespace my_sdk {

class my_runtime_factory final : public sockconf::harness::driver_factory {
public:
    /// `trusted_ca_pem`: the certificate authority of sockconf's echo servers, the only one
    /// the runtime's wss:// may trust while it is tested.
    my_runtime_factory(sockconf::profile profile, std::string trusted_ca_pem);

    std::unique_ptr<sockconf::harness::driver> open(sockconf::harness::event_sink sink, bool fresh) override;
    sockconf::json describe() override;

private:
    sockconf::profile profile_;
    std::string trusted_ca_pem_;
};

} // namespace my_sdk
