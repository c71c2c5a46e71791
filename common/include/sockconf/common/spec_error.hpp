// The one exception type for bad input at sockconf's edges (spec, suite and
// profile files, CLI flags). Each carries a stable id (e.g. "E-CASE-STEP") so
// that tools and docs can refer to it, and says where: file and JSON pointer.
#pragma once

#include <stdexcept>
#include <string>

namespace sockconf {

class spec_error : public std::runtime_error {
public:
    /// `id`: stable error id; `file`: path of the file (may be empty);
    /// `pointer`: RFC 6901 JSON pointer into it (may be empty);
    /// `detail`: what was expected and what was found.
    spec_error(std::string id, std::string file, std::string pointer, std::string detail);

    std::string const& id() const noexcept { return id_; }
    std::string const& file() const noexcept { return file_; }
    std::string const& pointer() const noexcept { return pointer_; }
    std::string const& detail() const noexcept { return detail_; }

private:
    std::string id_, file_, pointer_, detail_;
};

} // namespace sockconf
