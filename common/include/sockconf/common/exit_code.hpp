// The exit codes of sockconf's programs (`sockconf` and its subcommands,
// `sockconf-load`), named once. README.md ("Exit codes"), docs/ci.md and
// bench/README.md tell users what they mean; keep them in step with this list.
#pragma once

namespace sockconf {

enum class exit_code : int {
    ok = 0,             ///< everything as expected (or measured)
    unexpected = 1,     ///< unexpected results or an interrupted run; `report diff`: a new failure;
                        ///< `sockconf-load`: errors or no replies
    usage = 2,          ///< usage or input error: a bad flag, case, profile, expectations file or
                        ///< report.json (the message carries an E-* id, docs/errors.md)
    infrastructure = 3, ///< what the run stands on failed: the echo servers, the IUT or a server
                        ///< process not starting, report files not written
};

/// What main returns.
constexpr int to_int(exit_code c) noexcept
{
    return static_cast<int>(c);
}

} // namespace sockconf
