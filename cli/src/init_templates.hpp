// The files `sockconf init` writes (init_command.cpp), as text with @KEY@ holes.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace sockconf::cli::init_templates {

/// The wx-style module stub (node: wx.mjs; browser: entry.mjs and its dist/bundle.mjs).
/// Holes: NAME, KIND, API (comment lines: what the suites call), ENTRIES (a JS array
/// of the function names).
extern std::string_view const wx_stub;

/// README.md of the folder. Holes: NAME, KIND, FROM (the base profile), COMMAND,
/// MODULE (wx.mjs or entry.mjs), and BUILD (browser: how to rebuild the bundle; node: empty).
extern std::string_view const readme;

/// What the browser README says about dist/bundle.mjs. Hole: DIR.
extern std::string_view const browser_build;

/// `text` with every @KEY@ of `values` replaced; a hole left unfilled is a bug (std::logic_error).
std::string fill(std::string_view text, std::map<std::string, std::string> const& values);

} // namespace sockconf::cli::init_templates
