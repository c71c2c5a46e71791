// In-process driver: a fresh reference runtime per instance; commands run on
// its loop thread, events go straight to the sink.
#include <sockconf/harness/driver.hpp>
#include <sockconf/ref/binding.hpp>
#include <sockconf/ref/runtime.hpp>

#include <future>

namespace sockconf::harness {

namespace {

class reference_driver final : public driver {
public:
    reference_driver(profile const& p, ref::runtime_options const& o, event_sink sink) : rt_(p, o)
    {
        // The binding lives on, and is only touched from, the loop thread.
        rt_.run_sync([&] { binding_ = std::make_unique<ref::binding>(rt_, std::move(sink)); },
                     std::chrono::seconds(5));
    }

    ~reference_driver() override
    {
        rt_.run_sync([&] { binding_.reset(); }, std::chrono::seconds(5));
    }

    json hello() const override
    {
        json h;
        rt_.run_sync([&] { h = binding_->hello(); }, std::chrono::seconds(5));
        h["host"] = "native"; // as sockconf-ref-adapter says it (specs/adapter-protocol.md)
        return h;
    }

    reply execute(json const& command, std::chrono::milliseconds timeout) override
    {
        auto result = std::make_shared<json>();
        auto crash = std::make_shared<std::string>();
        // Captures by value: after a timeout the call may still run, later.
        bool const done = rt_.run_sync(
            [this, result, crash, command] {
                // A C++ exception out of the reference is the IUT breaking (a process
                // adapter would die of it), not the harness: the case is ERROR for it.
                try {
                    if (binding_)
                        *result = binding_->execute(command);
                } catch (std::exception const& e) {
                    *crash = std::string("the reference threw a C++ exception: ") + e.what();
                }
            },
            timeout);
        if (!done)
            return {reply_kind::timeout, {}, "the reference did not answer within " +
                                                 std::to_string(timeout.count()) + " ms"};
        if (!crash->empty())
            return {reply_kind::broken, {}, *crash};
        return reply_from_json(*result);
    }

private:
    mutable ref::runtime rt_; // run_sync is not const; hello() only reads
    std::unique_ptr<ref::binding> binding_;
};

class reference_factory final : public driver_factory {
public:
    reference_factory(profile p, ref::runtime_options o) : profile_(std::move(p)), options_(std::move(o)) {}
    std::unique_ptr<driver> open(event_sink sink, bool /*fresh: always*/) override
    {
        return std::make_unique<reference_driver>(profile_, options_, std::move(sink));
    }
    json describe() override { return reference_driver(profile_, options_, [](json const&) {}).hello(); }

private:
    profile profile_;
    ref::runtime_options options_;
};

} // namespace

std::unique_ptr<driver_factory> make_reference_factory(profile p, std::string trusted_ca_pem)
{
    return std::make_unique<reference_factory>(std::move(p), ref::runtime_options{std::move(trusted_ca_pem)});
}

} // namespace sockconf::harness
