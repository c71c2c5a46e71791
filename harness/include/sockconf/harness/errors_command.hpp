// `sockconf errors`: the error catalog (common/include/sockconf/common/error_catalog.hpp)
// on the command line, as a subcommand the sockconf command line wires in:
//
//   sockconf::harness::errors_options errors_o;
//   auto* errors_cmd = sockconf::harness::add_errors_command(app, errors_o);
//   ...
//   if (*errors_cmd) return sockconf::harness::run_errors_command(errors_o, std::cout);
//
//   sockconf errors                 every id with its meaning, by section
//   sockconf errors E-TYPE ...      each id's section, meaning and an example message
//   sockconf errors E-CASE-*        the ids that start so (the * may be left out)
//   sockconf errors --markdown      docs/errors.md, as build/bin/sockconf-errors-md prints it
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace sockconf::harness {

struct errors_options {
    std::vector<std::string> ids; ///< ids or id prefixes; none: the whole catalog
    bool markdown = false;
};

/// Add the `errors` subcommand with its options (bound to `o`) to `app`.
CLI::App* add_errors_command(CLI::App& app, errors_options& o);

/// Print what `o` asks for to `out`; 0. Throws spec_error (E-USAGE) for an argument
/// that is no id and starts none.
int run_errors_command(errors_options const& o, std::ostream& out);

} // namespace sockconf::harness
