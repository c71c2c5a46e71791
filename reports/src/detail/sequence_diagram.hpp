// A case's trace as a sequence diagram in inline SVG: three lanes, test, IUT
// and server; time runs downwards (one row per event, the gap between rows
// growing with the time between them, the time in ms at the left).
//   call/get     test -> IUT, with the return (value, threw, error) dashed back
//   invoke       IUT -> test (a callback or listener the IUT called)
//   note         a box on the test lane (harness remarks)
//   wire record  IUT <-> server: the connection opening (request, HTTP status),
//                what the server received, how it ended (close code, FIN, RST)
// The wire log and the case trace have different clocks: the server rows are
// shifted by the least amount that puts the first connection's opening after
// the first connect call and the first connection the client closed after the
// first close call (the order between server rows is exact, their place among
// API rows approximate; their times are marked ~).
// A failing case's step is highlighted and the failure closes the diagram.
#pragma once

#include <sockconf/reports/result.hpp>

#include <string>

namespace sockconf::reports::detail {

struct diagram_layout {
    double time_x = 4;        ///< left edge of the time column
    double test_x = 90;       ///< the lanes
    double iut_x = 620;
    double server_x = 940;
    double width = 1080;
    double top = 30;          ///< below the lane heads
    double row = 22;          ///< one event
    double gap_per_doubling = 5; ///< extra space per doubling of the ms between two rows
    double max_gap = 40;
    std::size_t api_label_chars = 76;  ///< labels are cut there (the full text is the row's tooltip)
    std::size_t wire_label_chars = 44;
    std::size_t title_chars = 600;     ///< a tooltip is cut there (the text trace below has it all)
    std::size_t max_rows = 1500;       ///< a longer trace is cut, saying how much (the text trace has all)
};

std::string sequence_diagram(case_result const& c, diagram_layout const& layout = {});

} // namespace sockconf::reports::detail
