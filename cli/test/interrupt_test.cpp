// The first SIGINT/SIGTERM sets the flag and gives the signals back their default
// action, so that a second one ends the process at once.
#include <sockconf/cli/interrupt.hpp>

#include <gtest/gtest.h>

#include <csignal>

namespace {

bool is_default(int sig)
{
    struct sigaction now {};
    ::sigaction(sig, nullptr, &now);
    return now.sa_handler == SIG_DFL;
}

TEST(Interrupt, FirstSignalSetsTheFlagAndRestoresTheDefaultAction)
{
    for (int sig : {SIGINT, SIGTERM}) {
        auto const& flag = sockconf::cli::interrupt_on_signals();
        EXPECT_FALSE(is_default(SIGINT));
        EXPECT_FALSE(is_default(SIGTERM));
        ASSERT_EQ(std::raise(sig), 0); // caught: the test process lives on
        EXPECT_TRUE(flag.load());
        EXPECT_TRUE(is_default(SIGINT)) << "a second Ctrl-C must end the process";
        EXPECT_TRUE(is_default(SIGTERM));
    }
    sockconf::cli::restore_default_signals();
}

} // namespace
