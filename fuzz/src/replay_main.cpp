// The fuzz targets without libFuzzer, for ctest (fuzz_replay_<name>): every file
// of the folders (or files) named on the command line goes through
// LLVMFuzzerTestOneInput once, in name order. A crash, a sanitizer report in a
// sanitizer build, or an exception the target lets escape fails the test.
#include "fuzz_input.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

int main(int argc, char** argv)
{
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        fs::path const p = argv[i];
        if (fs::is_directory(p)) {
            for (auto const& e : fs::directory_iterator(p))
                if (e.is_regular_file() && e.path().filename() != "README.md")
                    files.push_back(e.path());
        } else if (fs::is_regular_file(p)) {
            files.push_back(p);
        } else {
            // regressions/<name>/ exists only once a crash was found there.
            std::cout << "replay: no " << p.string() << " (nothing to replay there)" << std::endl;
        }
    }
    std::sort(files.begin(), files.end());
    for (auto const& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::cout << "replay: " << f.string() << " (" << bytes.size() << " bytes)" << std::endl;
        LLVMFuzzerTestOneInput(reinterpret_cast<std::uint8_t const*>(bytes.data()), bytes.size());
    }
    std::cout << "replay: " << files.size() << " inputs, none crashed" << std::endl;
    return files.empty() ? 1 : 0;
}
