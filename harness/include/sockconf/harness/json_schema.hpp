// A JSON Schema (draft 2020-12) validator for the subset sockconf's schemas use
// (specs/schemas/, specs/README.md "Schemas"), so that `sockconf lint` reports
// every structural error of a file, each with file, JSON pointer and an E-* id.
//
// Debian ships no JSON Schema validator for nlohmann::json (libvalijson-dev knows
// draft 7, not 2020-12's prefixItems and $defs), so this one implements exactly:
//   type, properties, required, additionalProperties, enum, const, items,
//   prefixItems, minimum, maximum, minLength, maxLength, minItems, maxItems,
//   pattern (ECMAScript, unanchored), anyOf, oneOf, allOf, $ref (within the
//   schema: "#/$defs/NAME"), $defs, boolean schemas; and ignores the annotations
//   $schema, $id, $comment, title, description, examples, default.
// A schema using any other keyword is refused when loaded (E-SCHEMA-FILE): a rule
// must never be written, look enforced and be ignored. harness/test/schemas.test.mjs
// checks the same schemas and files with ajv, a complete validator.
//
// Error ids: type -> E-TYPE, required -> E-MISSING, additionalProperties: false
// -> E-UNKNOWN-KEY, enum/const -> E-ENUM, minimum/maximum/maxItems -> E-RANGE,
// minLength/minItems of 1 -> E-EMPTY (as json_reader says them); pattern, a value
// of none of the allowed forms, and the rest -> E-SCHEMA.
//
// anyOf/oneOf: when no branch holds, the errors of the branch the value came
// closest to are reported (a branch that rejects the value's type or misses a
// required member at this level is ruled out first, then one with an unknown
// member here); when that leaves more than one, one E-SCHEMA error lists the
// forms allowed (each branch's "title").
#pragma once

#include <sockconf/common/spec_error.hpp>
#include <sockconf/common/value.hpp>

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <vector>

namespace sockconf::harness {

class json_schema {
public:
    /// Throws spec_error: E-FILE-READ, E-JSON-SYNTAX, E-SCHEMA-FILE (a keyword
    /// outside the subset, a malformed keyword, a $ref that does not resolve, a bad pattern).
    static json_schema load(std::string const& path);
    static json_schema from_json(json schema, std::string const& source);

    /// Every error of `doc` (read from `file`), in document order; empty: valid.
    std::vector<spec_error> validate(json const& doc, std::string const& file) const;

    std::string const& source() const noexcept;

    struct state; ///< the schema and what was compiled from it (json_schema.cpp)

private:
    std::shared_ptr<state const> state_;
};

} // namespace sockconf::harness
