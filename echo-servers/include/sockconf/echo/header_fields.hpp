// The header fields of an HTTP upgrade request as a wire record keeps them:
// each field as it came, in arrival order, its name in ASCII lower case. A
// name sent more than once reads as its values joined by ", " in that order
// (what HTTP makes of repeats, RFC 9110 5.3), which is also the record's JSON
// form (wire_record::to_json).
//
// Why not a JSON object, as the record held before: built for every handshake,
// it cost three allocations per field and was 14% of the echo server's
// user-space instructions per handshake (callgrind, BENCHMARKS.md
// "Handshakes"). This keeps all names and values in one string and their
// places in one vector: two allocations per request.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sockconf::echo {

class header_fields {
public:
    header_fields() = default;
    /// For hand-made records (tests, tools): add() of each pair, in order.
    header_fields(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);

    /// Room for `fields` fields of `bytes` name and value bytes in all (a hint).
    void reserve(std::size_t fields, std::size_t bytes);
    /// One field as it came; the name is stored in ASCII lower case (names are
    /// tokens: ASCII, RFC 9110 5.1), the value byte for byte.
    void add(std::string_view name, std::string_view value);

    /// The value of `name` (lower case), repeats joined by ", "; nullopt when absent.
    [[nodiscard]] std::optional<std::string> find(std::string_view name) const;
    /// Fields as they came (a repeated name counts once each time).
    [[nodiscard]] std::size_t size() const noexcept { return fields_.size(); }
    [[nodiscard]] bool empty() const noexcept { return fields_.empty(); }

    /// Calls fn(name, value) for each field as it came, in arrival order.
    template <class Fn>
    void for_each(Fn&& fn) const
    {
        for (auto const& f : fields_)
            fn(std::string_view(text_).substr(f.name_at, f.name_size),
               std::string_view(text_).substr(f.value_at, f.value_size));
    }

private:
    struct place {
        std::uint32_t name_at, name_size, value_at, value_size;
    };
    std::string text_;
    std::vector<place> fields_;
};

} // namespace sockconf::echo
