#include "render.hpp"

#include <sockconf/common/json_file.hpp>
#include <sockconf/reports/html_writer.hpp>

#include <iostream>
#include <stdexcept>

namespace sockconf::bench::detail {

exit_code render_results(bench_options const& o)
{
    json doc;
    std::string from;
    try {
        for (auto const& file : o.render) {
            auto d = read_json_file(file);
            if (!d.is_object() || d.value("format", "") != "sockconf-bench" || !d.contains("results") ||
                !d["results"].is_array())
                throw std::runtime_error(file + ": not a sockconf bench results file (\"format\": \"sockconf-bench\" with "
                                         "\"results\")");
            if (doc.is_null())
                doc = std::move(d);
            else
                for (auto& r : d["results"])
                    doc["results"].push_back(std::move(r));
            from += (from.empty() ? "" : " ") + file;
        }
        doc["command"] = "sockconf bench --render " + from;
        write_json_file(o.out, doc);
        std::cout << "wrote " << o.out << " (" << doc["results"].size() << " results from " << o.render.size() << " files)\n";
        if (!o.html.empty()) {
            write_file_atomically(o.html, [&](std::ostream& f) { reports::write_bench_html(doc, f); });
            std::cout << "wrote " << o.html << "\n";
        }
    } catch (std::exception const& e) {
        std::cerr << "error: " << e.what() << "\n";
        return exit_code::usage;
    }
    return exit_code::ok;
}

} // namespace sockconf::bench::detail
