#include "sequence_diagram.hpp"

#include "html_page.hpp"

#include <sockconf/reports/html_writer.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace sockconf::reports::detail {

namespace {

enum class lane { test, iut, server };
enum class row_kind { arrow, note, wire_note, failure };

struct row {
    double t = 0;
    row_kind kind = row_kind::arrow;
    lane from = lane::test, to = lane::iut;
    std::string label; ///< shown (cut)
    std::string title; ///< the tooltip: the whole text
    std::string cls;   ///< "", "invoke", "wire", "err"
    bool dashed = false;
    bool highlight = false;
    bool server_clock = false;
};

std::string str(json const& e, char const* key)
{
    return e.contains(key) && e[key].is_string() ? e[key].get<std::string>() : std::string();
}

std::optional<double> num(json const& e, char const* key)
{
    if (e.is_object() && e.contains(key) && e[key].is_number())
        return e[key].get<double>();
    return std::nullopt;
}

/// "a, b" from a JSON array of arguments.
std::string arg_list(json const& args)
{
    if (!args.is_array())
        return one_line(args);
    std::string out;
    for (auto const& a : args)
        out += (out.empty() ? "" : ", ") + one_line(a);
    return out;
}

/// The fragment of "file#/cases/2/steps/3" names step "/steps/3".
bool failed_here(std::optional<failure> const& f, std::string const& step)
{
    if (!f || step.empty())
        return false;
    auto const hash = f->where.find('#');
    std::string_view const frag = hash == std::string::npos ? std::string_view() : std::string_view(f->where).substr(hash + 1);
    return frag.size() >= step.size() && frag.substr(frag.size() - step.size()) == step;
}

/// Rows of the API trace, in trace order (the order the harness saw things happen).
std::vector<row> trace_rows(case_result const& c)
{
    std::vector<row> rows;
    double t = 0;
    // The failing step is the last entry of that step (a repeat runs it again).
    std::size_t failing = std::string::npos;
    for (std::size_t i = 0; i < c.trace.size(); ++i)
        if (c.trace[i].is_object() && failed_here(c.failed, str(c.trace[i], "step")))
            failing = i;
    for (std::size_t i = 0; i < c.trace.size(); ++i) {
        auto const& e = c.trace[i];
        if (!e.is_object())
            continue;
        t = num(e, "t_ms").value_or(t);
        auto const line = trace_line(e);
        auto const type = str(e, "type");
        row r{t};
        r.title = line;
        r.highlight = i == failing;
        if (type == "call" || type == "get") {
            r.label = type == "call" ? str(e, "target") + "(" + arg_list(member(e, "args")) + ")"
                                     : str(e, "target");
            rows.push_back(r);
            row back{t, row_kind::arrow, lane::iut, lane::test};
            back.dashed = true;
            back.highlight = r.highlight;
            if (e.contains("threw")) {
                back.label = "threw " + one_line(e["threw"]);
                back.cls = "err";
            } else if (e.contains("error")) {
                back.label = "failed: " + (e["error"].is_string() ? e["error"].get<std::string>() : one_line(e["error"]));
                back.cls = "err";
            } else if (type == "get" || (e.contains("value") && !e["value"].is_null())) {
                back.label = (type == "get" ? "= " : "→ ") + one_line(member(e, "value"));
            } else {
                continue; // a call that returned nothing: no return arrow
            }
            back.title = back.label;
            rows.push_back(std::move(back));
        } else if (type == "invoke") {
            r.from = lane::iut;
            r.to = lane::test;
            r.cls = "invoke";
            r.label = str(e, "fn") + "(" + (e.contains("arg") ? one_line(e["arg"]) : std::string()) + ")" +
                      (flag(e, "sync") ? "  SYNCHRONOUS" : "");
            rows.push_back(std::move(r));
        } else {
            r.kind = row_kind::note;
            r.label = type == "note" ? str(e, "text") : line;
            rows.push_back(std::move(r));
        }
    }
    return rows;
}

std::string lower_target(json const& e)
{
    auto target = str(e, "target");
    std::transform(target.begin(), target.end(), target.begin(), [](unsigned char ch) { return std::tolower(ch); });
    return target;
}

/// The time of the first call whose target `pred` accepts, on the trace's clock.
template <class Pred>
std::optional<double> first_call_ms(json const& trace, Pred pred)
{
    for (auto const& e : trace)
        if (e.is_object() && str(e, "type") == "call" && pred(lower_target(e)))
            return num(e, "t_ms");
    return std::nullopt;
}

/// How far to move wire-log times onto the trace's clock. A connection opens
/// after the first connect call, and one the client closed closes after the
/// first close call: the smallest shift that satisfies both.
double wire_shift(case_result const& c)
{
    std::optional<double> first_open, first_client_close;
    for (auto const& rec : c.wire) {
        if (auto o = num(rec, "opened_ms"))
            first_open = std::min(first_open.value_or(*o), *o);
        if (auto cl = num(rec, "closed_ms"); cl && str(rec, "end") == "client_closed")
            first_client_close = std::min(first_client_close.value_or(*cl), *cl);
    }
    auto const connect = first_call_ms(c.trace, [](std::string const& t) { return t.find("connect") != std::string::npos; });
    double shift = connect.value_or(0) - first_open.value_or(0);
    auto const close = first_call_ms(c.trace, [](std::string const& t) {
        auto const dot = t.rfind('.');
        auto const fn = dot == std::string::npos ? t : t.substr(dot + 1);
        return fn == "close" || fn == "closesocket";
    });
    if (close && first_client_close)
        shift = std::max(shift, *close - *first_client_close);
    return shift;
}

std::string describe_messages(json const& rec)
{
    auto const& msgs = member(rec, "messages");
    std::string text = fmt::format("received {} message(s)", msgs.is_array() ? msgs.size() : 0);
    std::size_t shown = 0;
    for (auto const& m : msgs) {
        if (shown++ == 3) {
            text += ", …";
            break;
        }
        auto const size = num(m, "size").value_or(0);
        text += fmt::format("{} {} {} B", shown == 1 ? ":" : ",", flag(m, "binary") ? "binary" : "text", size);
        if (m.contains("head") && m["head"].is_string())
            text += " " + one_line(m["head"]);
    }
    for (char const* k : {"pings_sent", "pongs_received", "pings_received"})
        if (auto n = num(rec, k); n && *n > 0)
            text += fmt::format(", {} {}", k, *n);
    return text;
}

std::string describe_end(json const& rec, lane& from, lane& to, std::string& cls)
{
    auto const end = str(rec, "end");
    from = lane::server;
    to = lane::iut;
    auto const error = str(rec, "error");
    if (end == "client_closed" || end == "dropped") {
        from = lane::iut;
        to = lane::server;
        if (rec.contains("close_code") && rec["close_code"].is_number())
            return fmt::format("close {} {}", rec["close_code"].dump(), one_line(member(rec, "close_reason")));
        return end == "dropped" ? "client dropped the connection" : "client closed";
    }
    if (end == "server_closed") {
        auto const code = num(rec, "sent_close_code").value_or(0);
        return code > 0 ? fmt::format("server closes {}", code) : std::string("server closes");
    }
    if (end == "server_dropped")
        return "server drops the connection (no close frame)";
    if (end == "server_reset")
        return "server resets (RST)";
    if (end == "rejected")
        return fmt::format("rejected, HTTP {}", num(rec, "http_status").value_or(0)) + (error.empty() ? "" : ": " + error);
    cls = "err";
    return "end " + end + (error.empty() ? "" : ": " + error);
}

/// Rows of the wire records, in time order, on the trace's clock (see the header).
std::vector<row> wire_rows(case_result const& c)
{
    std::vector<row> rows;
    auto const shift = wire_shift(c);
    // A record without times is drawn where the first one opened.
    double first_open = INFINITY;
    for (auto const& rec : c.wire)
        first_open = std::min(first_open, num(rec, "opened_ms").value_or(INFINITY));
    if (!std::isfinite(first_open))
        first_open = first_call_ms(c.trace, [](auto const&) { return true; }).value_or(0) - shift;
    for (auto const& rec : c.wire) {
        if (!rec.is_object())
            continue;
        auto const full = one_line(rec);
        auto const opened = num(rec, "opened_ms").value_or(first_open) + shift;
        row open{opened, row_kind::arrow, lane::iut, lane::server};
        open.cls = "wire";
        open.server_clock = true;
        open.title = full;
        auto const status = num(rec, "http_status").value_or(0);
        if (str(rec, "kind") == "tcp")
            open.label = fmt::format("tcp connect :{}", num(rec, "local_port").value_or(0));
        else
            open.label = fmt::format("{} {}{}", flag(rec, "tls") ? "wss" : "ws", str(rec, "target"),
                                     status > 0 ? fmt::format(" → {}", status) : std::string());
        rows.push_back(open);

        row got{opened, row_kind::wire_note, lane::server, lane::server};
        got.server_clock = true;

        got.label = str(rec, "kind") == "tcp"
                        ? fmt::format("received {} B, sent {} B", num(rec, "bytes_received").value_or(0),
                                      num(rec, "bytes_sent").value_or(0))
                        : describe_messages(rec);
        got.title = got.label;
        rows.push_back(got);

        if (str(rec, "end") != "open") {
            row end{num(rec, "closed_ms").value_or(0) > 0 ? num(rec, "closed_ms").value_or(0) + shift : opened};
            end.cls = "wire";
            end.server_clock = true;
            end.label = describe_end(rec, end.from, end.to, end.cls);
            end.title = end.label;
            rows.push_back(std::move(end));
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](row const& a, row const& b) { return a.t < b.t; });
    return rows;
}

/// Trace order kept; each server row goes before the first API row that is later.
std::vector<row> merged(std::vector<row> api, std::vector<row> wire)
{
    std::vector<row> out;
    out.reserve(api.size() + wire.size());
    std::size_t w = 0;
    for (auto& a : api) {
        while (w < wire.size() && wire[w].t < a.t)
            out.push_back(std::move(wire[w++]));
        out.push_back(std::move(a));
    }
    while (w < wire.size())
        out.push_back(std::move(wire[w++]));
    return out;
}

} // namespace

std::string sequence_diagram(case_result const& c, diagram_layout const& L)
{
    auto rows = merged(trace_rows(c), wire_rows(c));
    std::size_t cut = 0;
    if (rows.size() > L.max_rows) {
        cut = rows.size() - L.max_rows;
        rows.resize(L.max_rows);
    }
    if (c.failed || c.result == status::error || c.result == status::timeout) {
        row f{rows.empty() ? 0 : rows.back().t, row_kind::failure};
        f.label = c.failed ? "✗ expected " + c.failed->expected + "; got " + c.failed->actual
                           : "✗ " + std::string(to_string(c.result)) + ": " + c.message;
        f.title = c.failed ? "at " + c.failed->where + ": expected " + c.failed->expected + "; got " + c.failed->actual
                           : c.message;
        rows.push_back(std::move(f));
    }

    auto x = [&](lane l) { return l == lane::test ? L.test_x : l == lane::iut ? L.iut_x : L.server_x; };
    std::string body;
    double y = L.top;
    double prev_t = rows.empty() ? 0 : rows.front().t;
    for (auto const& r : rows) {
        auto const dt = std::max(0.0, r.t - prev_t);
        y += L.row + std::min(L.max_gap, L.gap_per_doubling * std::log2(1 + dt));
        if (dt > 0 && L.gap_per_doubling * std::log2(1 + dt) > L.row / 2)
            body += fmt::format("<line class=\"gap\" x1=\"{:.0f}\" x2=\"{:.0f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>\n",
                                L.test_x, L.server_x, y - L.row + 2, y - L.row + 2);
        prev_t = r.t;
        body += "<g><title>" + html_escape(utf8_cut(r.title, L.title_chars)) + "</title>";
        if (r.highlight)
            body += fmt::format("<rect class=\"hl\" x=\"{:.0f}\" y=\"{:.1f}\" width=\"{:.0f}\" height=\"{:.0f}\"/>",
                                L.time_x, y - L.row + 4, L.width - L.time_x, L.row);
        body += fmt::format("<text class=\"t{}\" x=\"{:.0f}\" y=\"{:.1f}\">{}{:.1f}</text>", r.server_clock ? " wire" : "",
                            L.time_x, y, r.server_clock ? "~" : "", r.t);
        auto const cls = r.cls.empty() ? std::string() : " " + r.cls;
        if (r.kind == row_kind::arrow) {
            auto const x1 = x(r.from), x2 = x(r.to);
            auto const dir = x2 > x1 ? 1.0 : -1.0;
            auto const chars = r.from == lane::server || r.to == lane::server ? L.wire_label_chars : L.api_label_chars;
            body += fmt::format("<line class=\"arrow{}{}\" x1=\"{:.0f}\" x2=\"{:.0f}\" y1=\"{:.1f}\" y2=\"{:.1f}\"/>",
                                cls, r.dashed ? " ret" : "", x1, x2, y, y);
            body += fmt::format("<path class=\"arrow{}\" d=\"M{:.0f} {:.1f}L{:.0f} {:.1f}L{:.0f} {:.1f}\"/>", cls,
                                x2 - 7 * dir, y - 4, x2, y, x2 - 7 * dir, y + 4);
            body += fmt::format("<text class=\"{}\" x=\"{:.0f}\" y=\"{:.1f}\">{}</text>", r.cls,
                                std::min(x1, x2) + 8, y - 4, html_escape(utf8_cut(r.label, chars)));
        } else {
            auto const x1 = r.kind == row_kind::note ? L.test_x - 6
                            : r.kind == row_kind::failure ? L.test_x - 6
                                                          : L.iut_x + 16;
            auto const x2 = r.kind == row_kind::note ? L.iut_x - 16 : L.width - 4;
            auto const chars = static_cast<std::size_t>((x2 - x1 - 12) / 6.7); // monospace 11px: about 6.7px a character
            auto const box = r.kind == row_kind::note ? "note" : r.kind == row_kind::failure ? "failbox" : "wirebox";
            body += fmt::format("<rect class=\"{}\" x=\"{:.0f}\" y=\"{:.1f}\" width=\"{:.0f}\" height=\"{:.0f}\" rx=\"3\"/>",
                                box, x1, y - L.row + 6, x2 - x1, L.row - 2);
            body += fmt::format("<text class=\"{}\" x=\"{:.0f}\" y=\"{:.1f}\">{}</text>",
                                r.kind == row_kind::failure ? "err" : r.kind == row_kind::wire_note ? "wire" : "",
                                x1 + 6, y, html_escape(utf8_cut(r.label, chars)));
        }
        body += "</g>\n";
    }
    if (cut > 0) {
        y += L.row;
        body += fmt::format("<text x=\"{:.0f}\" y=\"{:.1f}\">… {} more row(s): see the trace as text</text>\n", L.test_x, y, cut);
    }
    auto const height = y + L.row;

    std::string svg = fmt::format("<svg class=\"seq\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
                                  "viewBox=\"0 0 {0:.0f} {1:.0f}\" role=\"img\" aria-label=\"sequence diagram of {2}\">\n",
                                  L.width, height, html_escape(c.id));
    for (auto [l, name] : {std::pair{lane::test, "test"}, std::pair{lane::iut, "IUT"}, std::pair{lane::server, "server"}})
        svg += fmt::format("<text class=\"lane-head\" x=\"{0:.0f}\" y=\"14\" text-anchor=\"middle\">{1}</text>"
                           "<line class=\"lane\" x1=\"{0:.0f}\" x2=\"{0:.0f}\" y1=\"20\" y2=\"{2:.0f}\"/>\n",
                           x(l), name, height);
    svg += fmt::format("<text class=\"t\" x=\"{:.0f}\" y=\"14\">ms</text>\n", L.time_x);
    return svg + body + "</svg>";
}

} // namespace sockconf::reports::detail
