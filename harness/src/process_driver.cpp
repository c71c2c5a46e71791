// Process driver: one IUT process per instance, JSON lines on its stdin/stdout.
#include <sockconf/harness/process_driver.hpp>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/group.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>

#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unistd.h>

namespace sockconf::harness {

namespace {

namespace bp = boost::process;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr int protocol_version = 1;
constexpr std::size_t stderr_keep = 4096; // the end of stderr shown with an error

/// Files the IUT reads (profile, CA); removed with the factory.
class temp_files {
public:
    temp_files()
    {
        auto base = fs::temp_directory_path() / ("sockconf-iut-" + std::to_string(::getpid()));
        fs::create_directories(base);
        dir_ = base;
    }
    ~temp_files()
    {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    std::string write(std::string const& name, std::string const& text)
    {
        auto const path = dir_ / name;
        std::ofstream f(path);
        f << text;
        if (!f)
            throw std::runtime_error("cannot write " + path.string());
        return path.string();
    }

private:
    fs::path dir_;
};

class process_driver final : public driver {
public:
    process_driver(process_options const& o, std::string const& profile_file, std::string const& ca_file,
                   event_sink sink)
        : sink_(std::move(sink))
    {
        auto env = boost::this_process::environment();
        env["SOCKCONF_PROFILE_FILE"] = profile_file;
        env["SOCKCONF_CA_FILE"] = ca_file;
        env["NODE_EXTRA_CA_CERTS"] = ca_file;
        try {
            child_.emplace(bp::exe = "/bin/sh", bp::args = {"-c", o.command}, bp::std_in < in_, bp::std_out > out_,
                           bp::std_err > err_, env, group_);
        } catch (std::exception const& e) {
            dead_ = "E-ADAPTER-EXIT: cannot start the IUT `" + o.command + "`: " + e.what();
            return;
        }
        reader_ = std::thread([this] { read_stdout(); });
        err_reader_ = std::thread([this] { read_stderr(); });
        std::unique_lock lk(mu_);
        if (!cv_.wait_for(lk, o.hello_timeout, [&] { return hello_ || dead_; }))
            dead_ = "E-ADAPTER-TIMEOUT: the IUT `" + o.command + "` sent no hello within " +
                    std::to_string(o.hello_timeout.count()) + " ms";
    }

    ~process_driver() override
    {
        if (child_) {
            {
                std::lock_guard lk(mu_);
                write_line(json{{"type", "bye"}});
            }
            if (in_.pipe().is_open()) {
                try {
                    in_.flush();
                } catch (std::exception const&) {
                    // the IUT is gone; its exit is what ends it anyway
                }
                in_.pipe().close(); // EOF on its stdin
            }
            // The error_code forms: the throwing ones throw once the child is reaped.
            std::error_code ec;
            for (int i = 0; i < 200 && child_->running(ec); ++i)
                std::this_thread::sleep_for(10ms);
            // Whatever is left of the group (the shell's children too) goes; an
            // empty group is fine. Detached: the group's destructor would throw.
            group_.terminate(ec);
            child_->wait(ec);
            group_.detach();
        }
        if (reader_.joinable())
            reader_.join();
        if (err_reader_.joinable())
            err_reader_.join();
    }

    json hello() const override
    {
        std::lock_guard lk(mu_);
        if (hello_)
            return *hello_;
        return json{{"error", dead_.value_or("no hello") + stderr_tail()}};
    }

    reply execute(json const& command, std::chrono::milliseconds timeout) override
    {
        std::unique_lock lk(mu_);
        if (dead_)
            return {reply_kind::broken, {}, *dead_ + stderr_tail()};
        auto const id = ++next_id_;
        write_line(json{{"type", "command"}, {"id", id}, {"command", command}});
        if (dead_)
            return {reply_kind::broken, {}, *dead_ + stderr_tail()};
        if (!cv_.wait_for(lk, timeout, [&] { return replies_.count(id) || dead_; }))
            return {reply_kind::timeout, {}, "E-ADAPTER-TIMEOUT: no reply to command " + std::to_string(id) +
                                                 " within " + std::to_string(timeout.count()) + " ms"};
        if (auto it = replies_.find(id); it != replies_.end()) {
            auto r = reply_from_json(it->second);
            replies_.erase(it);
            return r;
        }
        return {reply_kind::broken, {}, *dead_ + stderr_tail()};
    }

private:
    /// Caller holds mu_. A dead IUT's closed stdin makes Boost's pipe throw:
    /// that is the IUT's end, not ours.
    void write_line(json const& m)
    {
        try {
            in_ << m.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
            in_.flush();
        } catch (std::exception const& e) {
            // Drop the unwritten bytes with the pipe, or the stream's destructor
            // would try to flush them again (and throw from a destructor).
            in_.pipe().close();
            if (!dead_)
                dead_ = std::string("E-ADAPTER-EXIT: cannot write to the IUT (") + e.what() + "): it has exited";
        }
    }

    /// A protocol violation: everything after it is unreliable.
    void violation(std::string why)
    {
        {
            std::lock_guard lk(mu_);
            if (!dead_)
                dead_ = why;
        }
        cv_.notify_all();
        // The case sees it as a malformed event and ends as ERROR, with `why` in its trace.
        sink_(json{{"op", "adapter-error"}, {"text", why}});
    }

    void read_stdout()
    {
        std::string line;
        std::size_t n = 0;
        while (std::getline(out_, line)) {
            ++n;
            auto const where = "stdout line " + std::to_string(n) + ": ";
            json m = json::parse(line, nullptr, false);
            if (m.is_discarded() || !m.is_object())
                return violation("E-ADAPTER-SYNTAX: " + where + "not a JSON object: " + line.substr(0, 200));
            auto const type = m.value("type", std::string());
            if (type == "hello") {
                if (m.value("protocol", 0) != protocol_version)
                    return violation("E-ADAPTER-VERSION: " + where + "the IUT speaks protocol " +
                                     brief(m.value("protocol", json()), 20) + "; this sockconf speaks " +
                                     std::to_string(protocol_version));
                if (!m.contains("name") || !m["name"].is_string() || !m.contains("capabilities") ||
                    !m["capabilities"].is_array())
                    return violation("E-ADAPTER-MESSAGE: " + where + "a hello needs name (string) and capabilities (array): " +
                                     brief(m, 200));
                m.erase("type");
                {
                    std::lock_guard lk(mu_);
                    hello_ = std::move(m);
                }
                cv_.notify_all();
            } else if (type == "reply") {
                if (!m.contains("id") || !m["id"].is_number_integer())
                    return violation("E-ADAPTER-MESSAGE: " + where + "a reply without an integer id: " + brief(m, 200));
                auto const id = m["id"].get<std::int64_t>();
                bool pending = false;
                {
                    std::lock_guard lk(mu_);
                    pending = id == next_id_ && !replies_.count(id);
                    if (pending) {
                        m.erase("type");
                        m.erase("id");
                        replies_[id] = std::move(m);
                    }
                }
                if (!pending)
                    return violation("E-ADAPTER-MESSAGE: " + where + "a reply to no pending command (id " +
                                     std::to_string(id) + ")");
                cv_.notify_all();
            } else if (type == "event") {
                m.erase("type");
                sink_(m); // the case runner checks the invoke's shape
            } else if (type == "log") {
                sink_(json{{"op", "log"}, {"text", m.value("text", std::string())}});
            } else {
                return violation("E-ADAPTER-MESSAGE: " + where + "unknown message type " + brief(m.value("type", json()), 40));
            }
        }
        {
            // It exited: let its last words on stderr arrive, for the message.
            std::unique_lock lk(mu_);
            cv_.wait_for(lk, 500ms, [&] { return stderr_done_; });
            if (!dead_)
                dead_ = "E-ADAPTER-EXIT: the IUT closed its stdout (exited?)";
        }
        cv_.notify_all();
    }

    void read_stderr()
    {
        std::string line;
        while (std::getline(err_, line)) {
            std::lock_guard lk(mu_);
            stderr_ += line + "\n";
            if (stderr_.size() > 2 * stderr_keep)
                stderr_.erase(0, stderr_.size() - stderr_keep);
        }
        {
            std::lock_guard lk(mu_);
            stderr_done_ = true;
        }
        cv_.notify_all();
    }

    /// Caller holds mu_.
    std::string stderr_tail() const
    {
        if (stderr_.empty())
            return "";
        auto const tail = stderr_.size() > stderr_keep ? stderr_.substr(stderr_.size() - stderr_keep) : stderr_;
        return "\nIUT stderr (end):\n" + tail;
    }

    event_sink sink_;
    bp::opstream in_;
    bp::ipstream out_, err_;
    bp::group group_;
    std::optional<bp::child> child_;
    std::thread reader_, err_reader_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::optional<json> hello_;
    std::optional<std::string> dead_;
    std::map<std::int64_t, json> replies_;
    std::int64_t next_id_ = 0;
    std::string stderr_;
    bool stderr_done_ = false;
};

class process_factory final : public driver_factory {
public:
    explicit process_factory(process_options o) : opts_(std::move(o))
    {
        profile_file_ = files_.write("profile.json", opts_.prof.raw.dump(2));
        ca_file_ = files_.write("ca.pem", opts_.ca_pem);
    }

    std::unique_ptr<driver> open(event_sink sink) override
    {
        return std::make_unique<process_driver>(opts_, profile_file_, ca_file_, std::move(sink));
    }

    json describe() override { return process_driver(opts_, profile_file_, ca_file_, [](json const&) {}).hello(); }

private:
    process_options opts_;
    temp_files files_;
    std::string profile_file_, ca_file_;
};

} // namespace

std::unique_ptr<driver_factory> make_process_factory(process_options opts)
{
    // An IUT that exits while we write to it must cost a case, not the run:
    // a write to its closed stdin then fails instead of killing us.
    std::signal(SIGPIPE, SIG_IGN);
    return std::make_unique<process_factory>(std::move(opts));
}

} // namespace sockconf::harness
