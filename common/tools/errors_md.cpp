// sockconf-errors-md: prints docs/errors.md, generated from the error catalog
// (common/include/sockconf/common/error_catalog.hpp). `make errors-doc` writes it;
// ctest error_catalog_doc compares it with the committed page.
#include <sockconf/common/error_catalog.hpp>

#include <iostream>
#include <string_view>

int main(int argc, char** argv)
{
    if (argc > 1) {
        bool const help = std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h";
        (help ? std::cout : std::cerr) << "usage: sockconf-errors-md > docs/errors.md\n"
                                          "Prints docs/errors.md from the error catalog (error_catalog.hpp).\n";
        return help ? 0 : 2;
    }
    std::cout << sockconf::error_catalog_markdown();
    return std::cout.good() ? 0 : 1;
}
