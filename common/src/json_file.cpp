#include <sockconf/common/json_file.hpp>
#include <sockconf/common/spec_error.hpp>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <sstream>

namespace sockconf {

json read_json_file(std::string const& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw spec_error("E-FILE-READ", path, "", "cannot open the file for reading");
    std::stringstream buf;
    buf << in.rdbuf();
    return parse_json_text(buf.str(), path);
}

json parse_json_text(std::string const& text, std::string const& path)
{
    try {
        return json::parse(text);
    } catch (json::parse_error const& e) {
        // Turn the byte offset into line:column, which an editor can jump to.
        std::size_t line = 1, col = 1;
        for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
            if (text[i] == '\n') { ++line; col = 1; } else { ++col; }
        }
        throw spec_error("E-JSON-SYNTAX", path, "",
                         "not valid JSON at line " + std::to_string(line) + ", column " +
                             std::to_string(col) + ": " + e.what());
    } catch (json::exception const& e) {
        // A number too large for a double (1e999) is out_of_range, not parse_error,
        // and is as much bad input (found by fuzz/: regressions/profile/).
        throw spec_error("E-JSON-SYNTAX", path, "", std::string("not valid JSON: ") + e.what());
    }
}

void write_file_atomically(std::string const& path, std::function<void(std::ostream&)> const& fill)
{
    auto const tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw std::runtime_error("cannot write " + tmp);
        fill(out);
        if (!out.flush())
            throw std::runtime_error("cannot write " + tmp);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw std::runtime_error("cannot rename " + tmp + " to " + path);
}

void write_json_file(std::string const& path, json const& doc)
{
    write_file_atomically(path, [&](std::ostream& out) {
        out << doc.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    });
}

} // namespace sockconf
