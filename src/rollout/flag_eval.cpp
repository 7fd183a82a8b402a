#include "rollout/flag_eval.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "rollout/murmur3.hpp"

namespace factory::rollout {

namespace {

using Json = nlohmann::ordered_json;

// flagd refuses a weight, or a sum of weights, above int32's maximum.
constexpr uint64_t k_max_weight = std::numeric_limits<int32_t>::max();
constexpr int k_max_ref_depth = 16;  // $ref chains deeper than this are taken for a cycle
constexpr size_t k_names_shown = 8;  // in hints that list flags or variants

constexpr const char* k_supported =
    "factory flag eval evaluates flagd's 'fractional' operation (buckets like [\"on\", 10], "
    "optionally after a bucketBy made of strings, {\"var\": \"targetingKey\"}, "
    "{\"var\": \"$flagd.flagKey\"} and \"cat\"); for other rules ask flagd itself";

// The flag under evaluation, for messages and for the values a bucketBy may read.
struct Subject {
  std::string_view source;
  const std::string& flag;
  const std::string& key;
};

[[noreturn]] void fail(const Subject& s, const std::string& what, const std::string& hint) {
  throw core::Error(core::ExitCode::usage, fmt::format("{}: flag '{}': {}", s.source, s.flag, what),
                    hint);
}

// JSON text short enough for a one-line message.
std::string brief(const Json& value) {
  std::string text = core::json_text(value);
  return text.size() <= 60 ? text : text.substr(0, 57) + "...";
}

// "a, b, c (and 4 more)": the keys of an object, for hints.
std::string names_of(const Json& object) {
  std::vector<std::string> names;
  for (const auto& item : object.items()) {
    if (names.size() == k_names_shown) break;
    names.push_back(item.key());
  }
  std::string out = fmt::format("{}", fmt::join(names, ", "));
  if (object.size() > names.size())
    out += fmt::format(" (and {} more)", object.size() - names.size());
  return out;
}

// `node` with each {"$ref": "name"} replaced by the document's $evaluators.name, as flagd does
// when it loads the file.
Json with_refs(const Json& node, const Json& evaluators, const Subject& s, int depth) {
  if (depth > k_max_ref_depth) {
    fail(s, "$ref evaluators nest too deep", "a $evaluators entry refers back to itself");
  }
  if (node.is_object() && node.size() == 1 && node.contains("$ref")) {
    const Json& name = node.at("$ref");
    if (!name.is_string() || !evaluators.contains(name.get<std::string>())) {
      fail(s, fmt::format("$ref {} names no entry of $evaluators", brief(name)),
           "add it under \"$evaluators\" or fix the name; flagd answers PARSE_ERROR for this flag");
    }
    return with_refs(evaluators.at(name.get<std::string>()), evaluators, s, depth + 1);
  }
  Json out = node;
  if (out.is_structured()) {
    for (auto& child : out) child = with_refs(child, evaluators, s, depth);
  }
  return out;
}

std::string variable(const Json& arg, const Subject& s) {
  const Json& name = arg.is_array() && !arg.empty() ? arg[0] : arg;
  if (name == "targetingKey") return s.key;
  if (name == "$flagd.flagKey") return s.flag;
  fail(s, fmt::format("the bucketBy reads {} from the evaluation context", brief(name)),
       "factory flag eval knows only targetingKey and $flagd.flagKey; ask flagd itself for rules "
       "on other context attributes");
}

// The string a bucketBy expression gives, evaluated as JSON Logic over the targeting key and
// $flagd.flagKey.
std::string string_of(const Json& expr, const Subject& s) {
  if (expr.is_string()) return expr.get<std::string>();
  if (expr.is_object() && expr.size() == 1) {
    const std::string& op = expr.begin().key();
    const Json& arg = expr.begin().value();
    if (op == "var") return variable(arg, s);
    if (op == "cat") {
      std::string out;
      for (const auto& part : arg.is_array() ? arg : Json::array({arg})) out += string_of(part, s);
      return out;
    }
    fail(s, fmt::format("the bucketBy uses the operator '{}'", op), k_supported);
  }
  fail(s, fmt::format("the bucketBy {} is not a string expression", brief(expr)), k_supported);
}

// A bucket of a fractional rule; no variant: a null name, which flagd serves as the default.
struct Bucket {
  std::optional<std::string> variant;
  uint64_t weight = 1;
};

uint64_t weight_of(const Json& bucket, const Subject& s) {
  if (bucket.size() < 2 || bucket[1].is_null()) return 1;  // flagd: a name alone weighs 1
  const Json& w = bucket[1];
  const double value = w.is_number() ? w.get<double>() : -1;
  if (!w.is_number() || value < 0 || value != std::floor(value) || value > k_max_weight) {
    fail(s, fmt::format("the bucket {} has the weight {}", brief(bucket), brief(w)),
         fmt::format("weights are whole numbers from 0 to {}; flagd ignores the rule and serves "
                     "the defaultVariant",
                     k_max_weight));
  }
  return w.is_number_unsigned() ? w.get<uint64_t>() : static_cast<uint64_t>(value);
}

Bucket bucket_of(const Json& bucket, const Json& variants, const Subject& s) {
  if (!bucket.is_array() || bucket.empty()) {
    fail(s, fmt::format("{} is not a bucket", brief(bucket)),
         "a bucket is [\"variant\", weight], e.g. [\"on\", 10]");
  }
  Bucket out;
  out.weight = weight_of(bucket, s);
  const Json& name = bucket[0];
  if (name.is_null()) return out;
  if (name.is_string()) {
    out.variant = name.get<std::string>();
  } else if (name.is_boolean()) {
    out.variant = name.get<bool>() ? "true" : "false";  // flagd reads the result as text
  } else {
    fail(s, fmt::format("the bucket {} does not start with a variant name", brief(bucket)),
         k_supported);
  }
  // Checked for every key, not only the keys that land here: the rule is broken either way.
  if (!variants.contains(*out.variant)) {
    fail(s,
         fmt::format("the 'fractional' rule names the variant '{}', which is not in variants ({})",
                     *out.variant, names_of(variants)),
         "add the variant or fix the name; flagd answers an error for the keys in that bucket");
  }
  return out;
}

Evaluation fractional(const Json& args, const Json& variants, const std::string& fallback,
                      const Subject& s) {
  if (!args.is_array() || args.size() < 2) {
    fail(s,
         "'fractional' needs an array of at least two arguments (an optional bucketBy, then "
         "buckets)",
         "flagd ignores this rule and serves the defaultVariant; write e.g. "
         "{\"fractional\": [[\"on\", 10], [\"off\", 90]]}");
  }
  // flagd: a leading string (after evaluation) is the bucketBy, a leading null is dropped, and
  // without a bucketBy the flag key and the targeting key are hashed together.
  size_t first = 1;
  std::string bucket_by = s.flag + s.key;
  if (args[0].is_array()) {
    first = 0;
  } else if (!args[0].is_null()) {
    bucket_by = string_of(args[0], s);
  }
  std::vector<Bucket> buckets;
  uint64_t total = 0;
  for (size_t i = first; i < args.size(); ++i) {
    buckets.push_back(bucket_of(args[i], variants, s));
    total += buckets.back().weight;
  }
  if (total > k_max_weight) {
    fail(s, fmt::format("the weights add up to {}", total),
         fmt::format("flagd refuses a sum of weights above {}", k_max_weight));
  }
  if (total == 0) {
    fail(s, "every weight of the 'fractional' rule is 0",
         "flagd answers an error for every key, and the application falls back to its code "
         "default; give a bucket a weight above 0");
  }
  const uint64_t bucket = (uint64_t{murmur3_x86_32(bucket_by)} * total) >> 32;
  Evaluation out{"", "TARGETING_MATCH", bucket_by, bucket, total};
  uint64_t end = 0;
  for (const auto& b : buckets) {
    end += b.weight;
    if (bucket >= end) continue;
    if (b.variant) {
      out.variant = *b.variant;
    } else {
      out.variant = fallback;
      out.reason = "DEFAULT";
    }
    return out;
  }
  fail(s, "no bucket holds the key",
       "this is a bug in factory; please report it");  // bucket < total
}

// The flag's defaultVariant, checked as flagd checks it when loading the file.
std::string default_variant(const Json& flag, const Json& variants, const Subject& s) {
  auto it = flag.find("defaultVariant");
  if (it == flag.end() || !it->is_string()) {
    fail(s, "defaultVariant is missing or not a string",
         "name the variant served when no rule matches, e.g. \"defaultVariant\": \"off\"");
  }
  std::string name = it->get<std::string>();
  if (!variants.contains(name)) {
    fail(s, fmt::format("defaultVariant '{}' is not in variants ({})", name, names_of(variants)),
         "flagd refuses to load a file whose defaultVariant is not one of the flag's variants");
  }
  return name;
}

const Json& flags_of(const Json& document, std::string_view source) {
  if (document.is_object()) {
    auto it = document.find("flags");
    if (it != document.end() && it->is_object()) return *it;
  }
  throw core::Error(core::ExitCode::usage, fmt::format("{}: \"flags\" is not an object", source),
                    "a flagd file looks like {\"flags\": {\"my-flag\": {...}}}");
}

}  // namespace

Evaluation evaluate_flag(const nlohmann::ordered_json& document, const std::string& flag_key,
                         const std::string& targeting_key, std::string_view source) {
  const Json& flags = flags_of(document, source);
  auto it = flags.find(flag_key);
  if (it == flags.end()) {
    throw core::Error(core::ExitCode::usage,
                      fmt::format("flag '{}' is not in {}", flag_key, source),
                      flags.empty() ? std::string("the file has no flags yet")
                                    : fmt::format("flags in the file: {}", names_of(flags)));
  }
  const Subject s{source, flag_key, targeting_key};
  const Json& flag = *it;
  if (!flag.is_object()) fail(s, "the definition is not a JSON object", k_supported);
  auto variants = flag.find("variants");
  if (variants == flag.end() || !variants->is_object() || variants->empty()) {
    fail(s, "\"variants\" is missing or not an object",
         "a flag names its variants, e.g. \"variants\": {\"on\": true, \"off\": false}");
  }
  const std::string fallback = default_variant(flag, *variants, s);
  auto state = flag.find("state");
  if (state != flag.end() && *state == "DISABLED") return {fallback, "DISABLED"};
  auto targeting = flag.find("targeting");
  if (targeting == flag.end() || targeting->is_null() ||
      (targeting->is_object() && targeting->empty())) {
    return {fallback, "STATIC"};
  }
  auto evaluators = document.find("$evaluators");
  const Json rule =
      with_refs(*targeting, evaluators != document.end() ? *evaluators : Json::object(), s, 0);
  if (!rule.is_object() || rule.size() != 1) {
    fail(s, fmt::format("the targeting {} is not one JSON Logic operation", brief(rule)),
         k_supported);
  }
  const std::string& op = rule.begin().key();
  if (op != "fractional") {
    fail(s,
         fmt::format("the targeting uses the operator '{}', which factory flag eval does not "
                     "evaluate",
                     op),
         k_supported);
  }
  return fractional(rule.begin().value(), *variants, fallback, s);
}

}  // namespace factory::rollout
