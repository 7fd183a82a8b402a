#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace factory::rollout {

// What flagd serves a flag for one targeting key (docs/ROLLOUT.md, "Predicting who is in").
struct Evaluation {
  std::string variant;  // the variant's name
  std::string reason;   // "TARGETING_MATCH", "DEFAULT", "STATIC" or "DISABLED"
  // Set when a `fractional` rule was evaluated: the value hashed, its bucket
  // ((hash * total_weight) >> 32) and the sum of the rule's weights.
  std::optional<std::string> bucket_value{};
  std::optional<uint64_t> bucket{};
  std::optional<uint64_t> total_weight{};
};

// Evaluates `flag_key` of a flagd flag-definition document for `targeting_key` the way flagd's
// implementation does: DISABLED gives the defaultVariant (flagd itself answers FLAG_DISABLED and
// the application keeps its code default), no targeting gives the defaultVariant (STATIC), and a
// `fractional` rule (optionally behind a `$ref` to `$evaluators`) buckets by MurmurHash3.
// Anything the evaluator cannot answer exactly (other operators, context attributes other than
// targetingKey, malformed rules, unknown variants or flags) is a usage Error naming the flag in
// `source` (the file, for messages), never a guess.
Evaluation evaluate_flag(const nlohmann::ordered_json& document, const std::string& flag_key,
                         const std::string& targeting_key,
                         std::string_view source = "the flag file");

}  // namespace factory::rollout
