#include "html_page.hpp"

#include <sockconf/reports/html_writer.hpp>
#include <sockconf/reports/junit_writer.hpp>

#include <fmt/format.h>
#include <openssl/sha.h>

#include <cmath>

namespace sockconf::reports {

// XML's escaping is HTML's: the same five characters (&apos; is HTML5 too), and
// control characters as text.
std::string html_escape(std::string_view text) { return xml_escape(text); }

} // namespace sockconf::reports

namespace sockconf::reports::detail {

namespace {

// Status colours follow the reading "green conforms, red does not, grey says nothing".
constexpr std::string_view stylesheet = R"css(
:root{--pass:#2e7d32;--non-strict:#9e9d24;--informational:#0277bd;--unimplemented:#757575;--fail:#c62828;
--error:#6a1b9a;--timeout:#ef6c00;--skip:#9e9e9e;--line:#d0d7de;--soft:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;padding:1em 1.5em;max-width:1400px;color:#1f2328}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.4em 0 .5em;border-bottom:1px solid var(--line)}
h3{font-size:1.05em;margin:1em 0 .4em}
code,pre,.mono{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
pre{background:var(--soft);padding:.6em;overflow:auto;max-height:30em;white-space:pre-wrap;word-break:break-all}
table{border-collapse:collapse;margin:.4em 0}th,td{border:1px solid var(--line);padding:.2em .5em;text-align:left;vertical-align:top}
th{background:var(--soft)}td.num,th.num{text-align:right}
[hidden]{display:none!important}
.meta{color:#57606a}
.st{display:inline-block;padding:0 .45em;border-radius:3px;color:#fff;font-size:12px;font-weight:600;white-space:nowrap}
.s-pass{background:var(--pass)}.s-non-strict{background:var(--non-strict)}.s-informational{background:var(--informational)}
.s-unimplemented{background:var(--unimplemented)}.s-fail{background:var(--fail)}.s-error{background:var(--error)}
.s-timeout{background:var(--timeout)}.s-skip{background:var(--skip)}.s-none{background:#fff;color:#57606a;border:1px dashed var(--line)}
.filters{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid var(--line);z-index:1}
.filters label{margin-right:.8em;white-space:nowrap}
.chip{display:inline-block;margin:1px;padding:0 .4em;border-radius:3px;color:#fff;font:11px ui-monospace,monospace;text-decoration:none}
details.case{border:1px solid var(--line);border-radius:4px;margin:.3em 0;padding:.2em .6em}
details.case>summary{cursor:pointer}
details.case[open]{background:#fff}
.unexpected{outline:2px solid var(--fail)}
.failure th{width:7em}
.diagram{overflow-x:auto}
svg text{font:11px ui-monospace,"DejaVu Sans Mono",monospace}
svg .lane{stroke:#8c959f;stroke-dasharray:4 3}
svg .lane-head{font-weight:700;font-size:12px}
svg .t{fill:#57606a}
svg .arrow{stroke:#1f2328;fill:none}svg .ret{stroke-dasharray:5 3}
svg .invoke{stroke:var(--informational)}svg text.invoke{fill:var(--informational);stroke:none}
svg .wire{stroke:#8250df}svg text.wire{fill:#8250df;stroke:none}
svg .err{stroke:var(--fail)}svg text.err{fill:var(--fail);stroke:none}
svg rect.note{fill:#fff8c5;stroke:#d4a72c}svg rect.wirebox{fill:#fbefff;stroke:#8250df}
svg rect.failbox{fill:#ffebe9;stroke:var(--fail)}svg rect.hl{fill:#ffebe9}
svg .gap{stroke:#d0d7de;stroke-dasharray:2 4}
svg .axis{stroke:#57606a}svg .grid{stroke:#eaeef2}
.legend span{margin-right:1em}
.matrix td.cell{text-align:center}
.devs>li{margin:.6em 0}.devs .headline{font-size:1.05em}.devs>li>details>summary{cursor:pointer;color:#57606a}
table.dev th{width:8em;font-weight:600}table.dev td{max-width:75em}
details.more{display:inline}details.more>summary{display:inline;cursor:pointer;color:#57606a}
.also{color:#57606a;font-size:12px}
table.checks{font-size:12px}table.checks code{white-space:nowrap}table.checks tr.failing td{background:#fff5f5}table.checks tr.seen td{background:#f6f8fa}
tr.deviation .hl{color:#57606a;font-size:12px}
)css";

// Filters and folding over what the page already holds; it reads no data.
constexpr std::string_view script = R"js(
"use strict";
(function () {
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter-status]"));
  var area = document.getElementById("filter-area");
  var differ = document.getElementById("filter-differ");
  var shown = document.getElementById("filter-shown");
  function apply() {
    var off = {};
    boxes.forEach(function (b) { if (!b.checked) off[b.value] = true; });
    var a = area ? area.value : "";
    var onlyDiffer = differ ? differ.checked : false;
    var total = 0, visible = 0;
    document.querySelectorAll("[data-status],[data-areas],[data-same]").forEach(function (el) {
      var s = el.getAttribute("data-status");
      var as = el.getAttribute("data-areas");
      var ok = !(s && off[s]) &&
               !(a && as !== null && (" " + as + " ").indexOf(" " + a + " ") < 0) &&
               !(onlyDiffer && el.hasAttribute("data-same"));
      el.hidden = !ok;
      if (el.classList.contains("case")) { total++; if (ok) visible++; }
    });
    if (shown) shown.textContent = visible + " of " + total + " shown";
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  if (area) area.addEventListener("change", apply);
  if (differ) differ.addEventListener("change", apply);
  document.querySelectorAll("button[data-fold]").forEach(function (b) {
    b.addEventListener("click", function () {
      var open = b.getAttribute("data-fold") === "open";
      document.querySelectorAll("details.case").forEach(function (d) { if (!d.hidden) d.open = open; });
    });
  });
  function openTarget() {
    var el = location.hash.length > 1 ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    for (; el; el = el.parentElement) if (el.tagName === "DETAILS") el.open = true;
  }
  window.addEventListener("hashchange", openTarget);
  apply();
  openTarget();
})();
)js";

std::string sha256_base64(std::string_view text)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<unsigned char const*>(text.data()), text.size(), digest);
    return base64_encode(std::string_view(reinterpret_cast<char const*>(digest), sizeof digest));
}

} // namespace

void write_page(std::ostream& out, std::string_view title, std::string_view body)
{
    // The policy allows this stylesheet and this script and nothing else: no
    // network, no other inline script or handler, no images.
    static std::string const policy = fmt::format(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src 'none'; base-uri 'none'; "
        "form-action 'none'",
        sha256_base64(stylesheet), sha256_base64(script));
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<meta http-equiv=\"Content-Security-Policy\" content=\"" << policy << "\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<title>" << html_escape(title) << "</title>\n<style>" << stylesheet << "</style>\n</head>\n<body>\n"
        << body << "<script>" << script << "</script>\n</body>\n</html>\n";
}

std::string status_class(status s)
{
    std::string name = "s-";
    for (char c : to_string(s))
        name += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return name;
}

std::string utf8_cut(std::string_view text, std::size_t max)
{
    std::size_t points = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xc0) == 0x80)
            continue; // a continuation byte belongs to the code point before it
        if (points++ == max)
            return std::string(text.substr(0, i)) + "…";
    }
    return std::string(text);
}

std::string one_line(json const& v) { return to_wire(v).dump(-1, ' ', false, json::error_handler_t::replace); }

std::string short_number(double v)
{
    auto scaled = [](double x, char const* suffix) {
        auto const a = std::fabs(x);
        return fmt::format("{:.{}f}{}", x, std::floor(x) == x || a >= 100 ? 0 : a < 10 ? 2 : 1, suffix);
    };
    auto const a = std::fabs(v);
    if (a >= 1e9)
        return scaled(v / 1e9, "G");
    if (a >= 1e6)
        return scaled(v / 1e6, "M");
    if (a >= 1e4)
        return scaled(v / 1e3, "k");
    return scaled(v, "");
}

json const& member(json const& j, char const* key)
{
    static json const none;
    if (!j.is_object())
        return none;
    auto it = j.find(key);
    return it == j.end() ? none : *it;
}

bool flag(json const& j, char const* key)
{
    auto const& v = member(j, key);
    return v.is_boolean() && v.get<bool>();
}

std::string text_field(json const& obj, char const* key, std::string const& fallback)
{
    if (!obj.is_object() || !obj.contains(key) || obj[key].is_null())
        return fallback;
    return obj[key].is_string() ? obj[key].get<std::string>() : one_line(obj[key]);
}

namespace {
int severity(status s)
{
    switch (s) {
    case status::fail: return 7;
    case status::timeout: return 6;
    case status::error: return 5;
    case status::unimplemented: return 4;
    case status::non_strict: return 3;
    case status::informational: return 2;
    case status::pass: return 1;
    case status::skip: return 0;
    }
    return 0;
}
} // namespace

status worse(status a, status b) { return severity(b) > severity(a) ? b : a; }

std::string status_filters(std::vector<std::size_t> const& counts)
{
    std::string out;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        auto const s = static_cast<status>(i);
        out += fmt::format("<label><input type=\"checkbox\" data-filter-status value=\"{0}\" checked> "
                           "<span class=\"st {1}\">{0}</span> {2}</label>\n",
                           to_string(s), status_class(s), counts[i]);
    }
    return out;
}

} // namespace sockconf::reports::detail
