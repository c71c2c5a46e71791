// Where `--iut-page PAGE` points: the platform's name and the folder its page is
// served from, and what that folder's platform.json says the run needs to know.
// The remote driver serves the folder; `sockconf run` and `bench` read its
// profile before anything starts.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace sockconf::harness {

struct page_folder {
    std::string platform;       ///< NAME: served at /adapters/browser/NAME/ (empty when PAGE names none)
    std::filesystem::path dir;  ///< the folder served there
};

/// PAGE as given when it is a built platform folder (holds dist/bundle.mjs: `sockconf
/// init browser`), wherever it is; else HOME/adapters/browser/NAME, NAME being PAGE's
/// last component ("adapters/browser/mpx", "mpx" and "mpx/" all name mpx). The folder
/// may not exist: the caller says so.
page_folder resolve_page_folder(std::string const& home, std::string const& page);

/// The "profile" of the folder's platform.json (adapters/README.md, "platform.json"):
/// the profile the platform is graded against. nullopt when the folder has no
/// platform.json or the file names no profile. Throws spec_error (E-FILE-READ,
/// E-JSON-SYNTAX, E-TYPE) naming the file when it cannot be read as one.
std::optional<std::string> platform_profile(page_folder const& folder);

} // namespace sockconf::harness
