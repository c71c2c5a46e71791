#pragma once
// Text from an IUT, made fit for a report.
//
// An IUT may write any bytes: a garbage line on stdout, its stderr. What sockconf
// quotes of them goes into JSON strings (nlohmann's dump() throws on anything that
// is not UTF-8) and into XML text (junit.xml is not well-formed with it).

#include <cstddef>
#include <string>
#include <string_view>

namespace sockconf {

/// The length of the well-formed UTF-8 sequence (RFC 3629) that `s` starts with; 0 when
/// it starts with none: empty, a byte no sequence starts with, a sequence cut short, an
/// overlong form, a surrogate, or a code point past U+10FFFF.
std::size_t utf8_sequence_length(std::string_view s) noexcept;

/// True when all of `s` is well-formed UTF-8 (what nlohmann's dump() accepts).
bool is_utf8(std::string_view s) noexcept;

/// `text` with every byte that is not part of a well-formed UTF-8 sequence (RFC 3629:
/// no overlong forms, no surrogates, nothing past U+10FFFF) replaced by U+FFFD, one
/// for each such byte; well-formed text comes back unchanged.
std::string valid_utf8(std::string_view text);

} // namespace sockconf
