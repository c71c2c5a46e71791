// Walks a JSON document while validating it, so that every error names the
// file and the JSON pointer of the offending value, what was expected and what
// was found. Used for profiles, clause catalogs and cases alike.
#pragma once

#include <sockconf/common/spec_error.hpp>
#include <sockconf/common/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sockconf {

class json_reader {
public:
    json_reader(json const& value, std::string file, std::string pointer = "");

    json const& value() const noexcept { return *value_; }
    std::string const& file() const noexcept { return *file_; }
    std::string const& pointer() const noexcept { return pointer_; }

    /// Required member of an object: E-MISSING when absent, E-TYPE when `this` is no object.
    json_reader at(std::string_view key) const;
    /// Optional member of an object.
    std::optional<json_reader> find(std::string_view key) const;
    /// Element of an array (no bounds error: callers iterate size()).
    json_reader at(std::size_t index) const;
    std::size_t size() const noexcept { return value_->size(); }

    json_reader const& expect_object() const;
    json_reader const& expect_array() const;
    std::string string() const;      ///< E-TYPE unless a string
    std::string non_empty_string() const;
    std::int64_t integer() const;    ///< E-TYPE unless an integral number
    std::int64_t integer_in(std::int64_t lo, std::int64_t hi) const; ///< also E-RANGE
    bool boolean() const;

    /// E-UNKNOWN-KEY for any member not in `allowed` (typos must not pass silently).
    void only_keys(std::initializer_list<std::string_view> allowed) const;

    /// Throw spec_error at this value.
    [[noreturn]] void fail(std::string id, std::string detail) const;

private:
    json_reader(json const* value, std::shared_ptr<std::string const> file, std::string pointer);

    json const* value_;
    std::shared_ptr<std::string const> file_;
    std::string pointer_;
};

/// "got <type> <brief value>" for messages.
std::string describe_found(json const& v);

} // namespace sockconf
