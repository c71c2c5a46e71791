// junit.xml: one <testsuite> per suite folder, one <testcase> per case. FAIL and
// TIMEOUT are <failure>, ERROR and UNIMPLEMENTED are <error>, SKIP is
// <skipped>; the message, every failing check that counts and the trace go in the
// element; what was also seen (invariants the case does not cite) in <system-out>.
#pragma once

#include <sockconf/reports/result.hpp>

#include <ostream>
#include <string>
#include <string_view>

namespace sockconf::reports {

void write_junit(run_report const& r, std::ostream& out);

/// XML text escaping; drops characters XML 1.0 cannot carry (e.g. NUL, ESC).
std::string xml_escape(std::string_view text);

} // namespace sockconf::reports
