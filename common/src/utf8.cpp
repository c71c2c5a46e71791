#include <sockconf/common/utf8.hpp>

namespace sockconf {

std::size_t utf8_sequence_length(std::string_view s) noexcept
{
    if (s.empty())
        return 0;
    auto const byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    auto const b = byte(0);
    // The length of the sequence `b` starts, and the range its second byte must be in
    // (RFC 3629 section 4).
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xbf;
    if (b < 0x80)
        return 1;
    if (b >= 0xc2 && b <= 0xdf)
        n = 2;
    else if (b == 0xe0)
        n = 3, lo = 0xa0; // no overlong form
    else if (b == 0xed)
        n = 3, hi = 0x9f; // no surrogate
    else if (b >= 0xe1 && b <= 0xef)
        n = 3;
    else if (b == 0xf0)
        n = 4, lo = 0x90; // no overlong form
    else if (b == 0xf4)
        n = 4, hi = 0x8f; // nothing past U+10FFFF
    else if (b >= 0xf1 && b <= 0xf3)
        n = 4;
    if (n == 0 || n > s.size() || byte(1) < lo || byte(1) > hi)
        return 0;
    for (std::size_t k = 2; k < n; ++k)
        if ((byte(k) & 0xc0) != 0x80)
            return 0;
    return n;
}

bool is_utf8(std::string_view s) noexcept
{
    for (std::size_t n = 0; !s.empty(); s.remove_prefix(n))
        if ((n = utf8_sequence_length(s)) == 0)
            return false;
    return true;
}

std::string valid_utf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    while (!text.empty()) {
        if (auto const n = utf8_sequence_length(text)) {
            out.append(text.substr(0, n));
            text.remove_prefix(n);
        } else {
            out.append("\xEF\xBF\xBD");
            text.remove_prefix(1);
        }
    }
    return out;
}

} // namespace sockconf
