// JS values as sockconf carries them.
//
// Every API argument, callback result and event payload is a JSON value. An
// ArrayBuffer is a JSON *binary* value in memory, so a string and an ArrayBuffer
// never blur. Wherever values leave the process (traces, reports, the adapter
// protocol) they take their *wire form*: an ArrayBuffer becomes
// {"$arraybuffer": "<base64>"}; function and object references are
// {"$fn": "<name>"} and {"$handle": "<id>", "class": "<Class>"}; a value JSON
// cannot hold (a function the IUT owns, undefined) is {"$typeof": "<typeof>"}.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sockconf {

using json = nlohmann::json;

/// An ArrayBuffer holding `bytes`.
json make_array_buffer(std::string_view bytes);
/// True when `v` is an ArrayBuffer (in memory: a JSON binary value).
bool is_array_buffer(json const& v) noexcept;
/// The bytes of an ArrayBuffer. Precondition: is_array_buffer(v).
std::string array_buffer_bytes(json const& v);

std::string base64_encode(std::string_view bytes);
/// nullopt when `text` is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);

/// In-memory value -> wire form (recursively; binary -> {"$arraybuffer": ...}).
json to_wire(json const& v);
/// Wire form -> in-memory value. Throws std::invalid_argument on a malformed
/// {"$arraybuffer": ...} (not a string, or not base64).
json from_wire(json const& v);

/// {"$typeof": type}: a JS value JSON cannot carry, known by its typeof
/// ("function", "undefined", "symbol", "bigint").
json make_typeof(std::string_view type);

/// JS `typeof`-like name used by matchers and messages: "string", "number",
/// "boolean", "null", "object", "array", "arraybuffer", "blob" ({"$blob": ...},
/// adapter-protocol.md), or the type of a {"$typeof": ...} value ("function", "undefined", ...).
std::string_view js_type_name(json const& v) noexcept;

/// Short, single-line rendering of a value for failure messages (wire form,
/// cut at `max_chars`).
std::string brief(json const& v, std::size_t max_chars = 160);

} // namespace sockconf
