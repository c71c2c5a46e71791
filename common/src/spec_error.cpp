#include <sockconf/common/spec_error.hpp>

namespace sockconf {

namespace {
std::string compose(std::string const& id, std::string const& file, std::string const& pointer,
                    std::string const& detail)
{
    std::string where = file;
    if (!pointer.empty())
        where += (where.empty() ? "" : ":") + pointer;
    return (where.empty() ? "" : where + ": ") + detail + " [" + id + "]";
}
} // namespace

spec_error::spec_error(std::string id, std::string file, std::string pointer, std::string detail)
    : std::runtime_error(compose(id, file, pointer, detail)), id_(std::move(id)),
      file_(std::move(file)), pointer_(std::move(pointer)), detail_(std::move(detail))
{
}

} // namespace sockconf
