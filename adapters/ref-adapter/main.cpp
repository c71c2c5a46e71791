// sockconf-ref-adapter: the reference implementation behind the adapter
// protocol (specs/adapter-protocol.md) on stdin/stdout, so that the harness can
// drive it out of process exactly as it drives any other IUT.
//
//   sockconf-ref-adapter [--profile FILE] [--ca-file FILE]
// Defaults: $SOCKCONF_PROFILE_FILE and $SOCKCONF_CA_FILE, which the process
// driver sets (the active profile; the echo servers' CA).
#include <sockconf/common/profile.hpp>
#include <sockconf/common/spec_error.hpp>
#include <sockconf/ref/binding.hpp>
#include <sockconf/ref/runtime.hpp>

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

using namespace sockconf;
using namespace std::chrono_literals;

namespace {

std::mutex out_mu;

void send(json const& m)
{
    std::lock_guard lk(out_mu);
    std::cout << m.dump(-1, ' ', false, json::error_handler_t::replace) << '\n' << std::flush;
}

std::string env_or(char const* name, std::string fallback)
{
    char const* v = std::getenv(name);
    return v && *v ? v : fallback;
}

/// One runtime and its binding; reset makes a new pair.
class instance {
public:
    instance(profile const& p, ref::runtime_options const& o) : rt_(p, o)
    {
        rt_.run_sync([&] { binding_ = std::make_unique<ref::binding>(rt_, [](json const& ev) {
                               json m = ev;
                               m["type"] = "event";
                               send(m);
                           }); },
                     5s);
    }
    ~instance() { rt_.run_sync([&] { binding_.reset(); }, 5s); }

    json hello()
    {
        json h;
        rt_.run_sync([&] { h = binding_->hello(); }, 5s);
        return h;
    }

    /// Runs on the loop and writes the reply there, so that every event the
    /// command causes (posted, later on the loop) goes out after it.
    void execute(json const& id, json const& command)
    {
        bool const done = rt_.run_sync(
            [&] {
                json r = binding_->execute(command);
                r["type"] = "reply";
                r["id"] = id;
                send(r);
            },
            30s);
        if (!done)
            send(json{{"type", "reply"}, {"id", id}, {"ok", false}, {"error", "the reference did not answer in 30 s"}});
    }

private:
    ref::runtime rt_;
    std::unique_ptr<ref::binding> binding_;
};

std::string read_file(std::string const& path)
{
    std::ifstream f(path);
    if (!f)
        throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{"sockconf-ref-adapter: the sockconf reference implementation behind the adapter protocol "
                 "(JSON lines on stdin/stdout; specs/adapter-protocol.md)"};
    std::string profile_file = env_or("SOCKCONF_PROFILE_FILE", "");
    std::string ca_file = env_or("SOCKCONF_CA_FILE", "");
    app.add_option("--profile", profile_file, "Profile file (default: $SOCKCONF_PROFILE_FILE)");
    app.add_option("--ca-file", ca_file, "PEM file of the CA wss:// trusts (default: $SOCKCONF_CA_FILE; none: the system store)");
    CLI11_PARSE(app, argc, argv);

    profile prof;
    ref::runtime_options opts;
    try {
        if (profile_file.empty())
            throw std::runtime_error("no profile: pass --profile FILE or set SOCKCONF_PROFILE_FILE");
        prof = profile::load(profile_file);
        if (!ca_file.empty())
            opts.trusted_ca_pem = read_file(ca_file);
    } catch (std::exception const& e) {
        std::cerr << "sockconf-ref-adapter: " << e.what() << "\n";
        return 2;
    }

    auto inst = std::make_unique<instance>(prof, opts);
    json hello = inst->hello();
    hello["type"] = "hello";
    hello["protocol"] = 1;
    hello["host"] = "native"; // a C++ program: no browser or Node under it (adapter-protocol.md)
    send(hello);

    std::string line;
    while (std::getline(std::cin, line)) {
        json m = json::parse(line, nullptr, false);
        if (m.is_discarded() || !m.is_object()) {
            std::cerr << "sockconf-ref-adapter: not a JSON object: " << line.substr(0, 200) << "\n";
            continue;
        }
        auto const type = m.value("type", std::string());
        auto const id = m.value("id", json());
        if (type == "command" && m.contains("command")) {
            inst->execute(id, m["command"]);
        } else if (type == "reset") {
            inst.reset();
            inst = std::make_unique<instance>(prof, opts);
            send(json{{"type", "reply"}, {"id", id}, {"ok", true}, {"value", nullptr}});
        } else if (type == "bye") {
            break;
        } else {
            send(json{{"type", "reply"}, {"id", id}, {"ok", false},
                      {"error", "unknown message " + m.dump().substr(0, 200) + " (command, reset, bye)"}});
        }
    }
    return 0;
}
