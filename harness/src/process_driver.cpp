// Process driver: one IUT process per instance, JSON lines on its stdin/stdout.
#include <sockconf/harness/process_driver.hpp>

#include "detail/adapter_link.hpp"
#include "detail/no_inherited_descriptors.hpp"

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/group.hpp>
#include <boost/process/io.hpp>
#include <boost/process/pipe.hpp>

#include <algorithm>
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
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace sockconf::harness {

namespace {

namespace bp = boost::process;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

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
        : link_([this](std::string const& line) { return write_line(line); }, [this] { return stderr_tail(); },
                {o.message_max_bytes, o.case_events_max, o.interrupted}), interrupted_(o.interrupted)
    {
        link_.set_sink(std::move(sink));
        // A copy: this_process::environment() is the harness's own, and setting a
        // variable on it would set it for every process started later (the browser
        // launcher got NODE_EXTRA_CA_CERTS naming a file already removed).
        bp::environment env = boost::this_process::environment();
        env["SOCKCONF_PROFILE_FILE"] = profile_file;
        env["SOCKCONF_CA_FILE"] = ca_file;
        env["NODE_EXTRA_CA_CERTS"] = ca_file;
        try {
            // The IUT gets its three pipes and no other descriptor of ours (the header says why).
            child_.emplace(bp::exe = "/bin/sh", bp::args = {"-c", o.command}, bp::std_in < in_, bp::std_out > out_,
                           bp::std_err > err_, env, group_, detail::no_inherited_descriptors{});
        } catch (std::exception const& e) {
            link_.on_closed("E-ADAPTER-EXIT: cannot start the IUT `" + o.command + "`: " + e.what());
            return;
        }
        err_fd_ = err_.pipe().native_source();
        // Non-blocking: read_stderr waits in poll(), and both it and stderr_tail() read
        // only under err_mu_ (take_stderr), so no byte is ever read and not yet kept.
        ::fcntl(err_fd_, F_SETFL, ::fcntl(err_fd_, F_GETFL) | O_NONBLOCK);
        reader_ = std::thread([this] { read_stdout(); });
        err_reader_ = std::thread([this] { read_stderr(); });
        if (!link_.wait_hello(o.hello_timeout))
            link_.on_closed("E-ADAPTER-TIMEOUT: the IUT `" + o.command + "` sent no hello within " +
                            std::to_string(o.hello_timeout.count()) + " ms");
    }

    ~process_driver() override
    {
        if (child_) {
            link_.bye();
            {
                std::lock_guard lk(in_mu_);
                if (in_.pipe().is_open()) {
                    try {
                        in_.flush();
                    } catch (std::exception const&) {
                        // the IUT is gone; its exit is what ends it anyway
                    }
                    in_.pipe().close(); // EOF on its stdin
                }
            }
            // The error_code forms: the throwing ones throw once the child is reaped.
            std::error_code ec;
            // Two seconds to exit on its own, none after Ctrl-C (the run must end within 2 s).
            for (int i = 0; i < 200 && !(interrupted_ && interrupted_->load()) && child_->running(ec); ++i)
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

    json hello() const override { return link_.hello(); }

    reply execute(json const& command, std::chrono::milliseconds timeout) override
    {
        return link_.execute(command, timeout);
    }

private:
    /// A dead IUT's closed stdin makes Boost's pipe throw: that is the IUT's
    /// end, not ours.
    bool write_line(std::string const& line)
    {
        std::lock_guard lk(in_mu_);
        if (!in_.pipe().is_open())
            return false;
        try {
            in_ << line << '\n';
            in_.flush();
            return true;
        } catch (std::exception const&) {
            // Drop the unwritten bytes with the pipe, or the stream's destructor
            // would try to flush them again (and throw from a destructor).
            in_.pipe().close();
            return false;
        }
    }

    /// Lines, never more than the link's limit of one held: a longer line is
    /// reported at once and skipped to its end (read and dropped, so that the IUT
    /// is not blocked on a full pipe until it is stopped).
    void read_stdout()
    {
        auto const max = link_.limits().message_max_bytes;
        auto* const sb = out_.rdbuf();
        std::string line;
        std::size_t n = 0;
        bool skipping = false;
        char buf[65536];
        for (;;) {
            std::streamsize got = 0;
            if (auto const avail = sb->in_avail(); avail > 0) {
                got = sb->sgetn(buf, std::min<std::streamsize>(avail, sizeof buf));
            } else {
                auto const c = sb->sbumpc(); // blocks for more
                if (c == std::char_traits<char>::eof())
                    break;
                buf[0] = static_cast<char>(c);
                got = 1;
            }
            char const* p = buf;
            char const* const end = buf + got;
            while (p < end) {
                char const* const nl = std::find(p, end, '\n');
                if (!skipping && line.size() + static_cast<std::size_t>(nl - p) > max) {
                    link_.on_too_long("stdout line " + std::to_string(n + 1));
                    skipping = true;
                    std::string().swap(line);
                }
                if (!skipping)
                    line.append(p, nl);
                if (nl == end)
                    break;
                ++n;
                if (!skipping)
                    link_.on_message(line, "stdout line " + std::to_string(n));
                skipping = false;
                line.clear();
                p = nl + 1;
            }
        }
        if (!skipping && !line.empty()) // a last line without its newline, as std::getline gives it
            link_.on_message(line, "stdout line " + std::to_string(n + 1));
        {
            // It exited: let its last words on stderr arrive, for the message.
            std::unique_lock lk(err_mu_);
            err_cv_.wait_for(lk, 500ms, [&] { return stderr_done_; });
        }
        link_.on_closed("E-ADAPTER-EXIT: the IUT closed its stdout (exited?)");
    }

    void read_stderr()
    {
        pollfd p{err_fd_, POLLIN, 0};
        for (;;) {
            if (::poll(&p, 1, -1) < 0 && errno != EINTR)
                break;
            std::lock_guard lk(err_mu_);
            if (!take_stderr())
                break;
        }
        {
            std::lock_guard lk(err_mu_);
            stderr_done_ = true;
        }
        err_cv_.notify_all();
    }

    /// Caller holds err_mu_. Keeps what the stderr pipe holds now (its end: stderr_keep
    /// bytes or more); false once the pipe has ended.
    bool take_stderr() const
    {
        char buf[4096];
        for (;;) {
            auto const n = err_fd_ < 0 ? 0 : ::read(err_fd_, buf, sizeof buf);
            if (n == 0)
                return false;
            if (n < 0)
                return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
            stderr_.append(buf, static_cast<std::size_t>(n));
            if (stderr_.size() > 2 * stderr_keep)
                stderr_.erase(0, stderr_.size() - stderr_keep);
        }
    }

    std::string stderr_tail() const
    {
        // An IUT that says why on stderr and then breaks stdout: what it wrote before the
        // break is in the pipe, read or not. Take it now, so that it is in the message
        // (waiting for the reader thread lost it now and then: hostile_stdio_unknown-id).
        std::lock_guard lk(err_mu_);
        take_stderr();
        if (stderr_.empty())
            return "";
        auto const tail = stderr_.size() > stderr_keep ? stderr_.substr(stderr_.size() - stderr_keep) : stderr_;
        return "\nIUT stderr (end):\n" + tail;
    }

    detail::adapter_link link_;
    std::atomic<bool> const* interrupted_;
    std::mutex in_mu_;
    bp::opstream in_;
    bp::ipstream out_, err_;
    bp::group group_;
    std::optional<bp::child> child_;
    std::thread reader_, err_reader_;

    mutable std::mutex err_mu_;
    std::condition_variable err_cv_;
    mutable std::string stderr_; ///< under err_mu_; stderr_tail() takes what is pending too
    bool stderr_done_ = false;
    int err_fd_ = -1; ///< the read end of the stderr pipe (non-blocking), read under err_mu_
};

class process_factory final : public driver_factory {
public:
    explicit process_factory(process_options o) : opts_(std::move(o))
    {
        profile_file_ = files_.write("profile.json", opts_.prof.raw.dump(2));
        ca_file_ = files_.write("ca.pem", opts_.ca_pem);
    }

    std::unique_ptr<driver> open(event_sink sink, bool /*fresh: always*/) override
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
