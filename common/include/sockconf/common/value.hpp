// JS values as sockconf carries them.
//
// Every API argument, callback result and event payload is a JSON value. An
// ArrayBuffer is a JSON *binary* value in memory, so a string and an ArrayBuffer
// never blur. Wherever values leave the process (traces, reports, the adapter
// protocol) they take their *wire form*: an ArrayBuffer becomes
// {"$arraybuffer": "<base64>"}; function and object references are
// {"$fn": "<name>"} and {"$handle": "<id>", "class": "<Class>"}; a value JSON
// cannot hold (a function the IUT owns, undefined) is {"$typeof": "<typeof>"}.
//
// Binary data that is NOT an ArrayBuffer keeps its own form, in memory as on the
// wire, so that it never passes for one (specs/adapter-protocol.md, "Values"):
// a Blob is {"$blob": "<base64>", "type": "<mime>"}; a typed array or DataView
// (a Uint8Array, a Node Buffer, ...) is {"$typedarray": "<class>", "base64":
// "<base64 of the view's bytes>"}. Neither equals an ArrayBuffer of the same bytes.
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
/// {"$arraybuffer": ...} (not a string, or not base64) or {"$typedarray": ...}
/// (no class, other keys than "base64", or bytes that are not base64). A typed
/// array stays {"$typedarray": class, "base64": bytes}, its base64 re-encoded
/// canonically so that equal bytes compare equal.
json from_wire(json const& v);

/// {"$typedarray": view_class, "base64": base64 of bytes}: a typed array or
/// DataView of class `view_class` ("Uint8Array", "Buffer", "DataView", ...).
json make_typed_array(std::string_view view_class, std::string_view bytes);
/// True when `v` is {"$typedarray": ...} (checked by from_wire, not here).
bool is_typed_array(json const& v) noexcept;

/// {"$typeof": type}: a JS value JSON cannot carry, known by its typeof
/// ("function", "undefined", "symbol", "bigint").
json make_typeof(std::string_view type);

/// JS `typeof`-like name used by matchers and messages: "string", "number",
/// "boolean", "null", "object", "array", "arraybuffer", "blob" ({"$blob": ...},
/// adapter-protocol.md), "typedarray" ({"$typedarray": ...}: any ArrayBuffer view,
/// DataView included; its class is in the value, and so in brief()), or the type
/// of a {"$typeof": ...} value ("function", "undefined", ...).
std::string_view js_type_name(json const& v) noexcept;

/// `text` cut to at most `max_bytes` bytes, never inside a UTF-8 sequence (a
/// report stays valid UTF-8), then `ellipsis` appended; unchanged when it fits.
std::string cut_utf8(std::string text, std::size_t max_bytes, std::string_view ellipsis);

/// Short, single-line rendering of a value for failure messages (wire form,
/// cut at `max_chars` bytes with cut_utf8). A typed array's class comes first in
/// its form, so it survives the cut.
std::string brief(json const& v, std::size_t max_chars = 160);

} // namespace sockconf
