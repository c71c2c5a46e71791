#include <sockconf/common/utf8.hpp>

namespace sockconf {

std::string valid_utf8(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    auto const byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    for (std::size_t i = 0; i < text.size();) {
        auto const b = byte(i);
        // The length of the sequence `b` starts, and the range its second byte must be in
        // (RFC 3629 section 4).
        std::size_t n = 0;
        unsigned char lo = 0x80, hi = 0xbf;
        if (b < 0x80)
            n = 1;
        else if (b >= 0xc2 && b <= 0xdf)
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
        bool ok = n != 0 && i + n <= text.size();
        for (std::size_t k = 1; ok && k < n; ++k)
            ok = k == 1 ? byte(i + 1) >= lo && byte(i + 1) <= hi : (byte(i + k) & 0xc0) == 0x80;
        if (ok) {
            out.append(text.substr(i, n));
            i += n;
        } else {
            out.append("\xEF\xBF\xBD");
            ++i;
        }
    }
    return out;
}

} // namespace sockconf
