#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rollout/flag_eval.hpp"
#include "test_error_support.hpp"

using factory::rollout::evaluate_flag;
using factory::testing::usage_error_of;
using Json = nlohmann::ordered_json;

namespace {

// A document with one flag `key` whose targeting is `targeting` (null: none).
Json doc_with(const std::string& key, const Json& targeting, const Json& variants = nullptr) {
  Json flag = {{"state", "ENABLED"},
               {"variants", variants.is_null() ? Json{{"on", true}, {"off", false}} : variants},
               {"defaultVariant", variants.is_null() ? "off" : variants.begin().key()}};
  if (!targeting.is_null()) flag["targeting"] = targeting;
  return {{"flags", {{key, flag}}}};
}

const Json k_suits = {{"clubs", "clubs"},
                      {"diamonds", "diamonds"},
                      {"hearts", "hearts"},
                      {"spades", "spades"},
                      {"wild", "wild"}};
const std::vector<Json> k_four_ways = {Json::array({"clubs", 25}), Json::array({"diamonds", 25}),
                                       Json::array({"hearts", 25}), Json::array({"spades", 25})};

// The JSON Logic operation {name: arg}, spelled out (brace lists are ambiguous in nlohmann).
Json op(const std::string& name, Json arg) {
  Json out = Json::object();
  out[name] = std::move(arg);
  return out;
}

Json var(const std::string& name) {
  return op("var", name);
}

Json fractional(Json bucket_by, const std::vector<Json>& buckets) {
  Json args = Json::array();
  if (!bucket_by.is_null()) args.push_back(std::move(bucket_by));
  for (const auto& b : buckets) args.push_back(b);
  return {{"fractional", args}};
}

std::string variant_of(const Json& doc, const std::string& flag, const std::string& key) {
  return evaluate_flag(doc, flag, key, "flags.json").variant;
}

}  // namespace

// Expected variants from flagd's own conformance suite (flagd-testbed gherkin/targeting.feature,
// @fractional-v2 examples), not from this code.
TEST_CASE("fractional agrees with flagd's conformance vectors") {
  Json by_flag_and_key = op("cat", Json::array({var("$flagd.flagKey"), var("targetingKey")}));
  auto doc = doc_with("fractional-flag", fractional(by_flag_and_key, k_four_ways), k_suits);
  CHECK(variant_of(doc, "fractional-flag", "jack") == "hearts");
  CHECK(variant_of(doc, "fractional-flag", "queen") == "spades");
  CHECK(variant_of(doc, "fractional-flag", "ten") == "clubs");
  CHECK(variant_of(doc, "fractional-flag", "nine") == "diamonds");
  CHECK(variant_of(doc, "fractional-flag", "3") == "clubs");

  Json shared_seed = op("cat", Json::array({"shared-seed", var("targetingKey")}));
  doc = doc_with("fractional-flag-A-shared-seed", fractional(shared_seed, k_four_ways), k_suits);
  CHECK(variant_of(doc, "fractional-flag-A-shared-seed", "seven") == "hearts");
  CHECK(variant_of(doc, "fractional-flag-A-shared-seed", "eight") == "diamonds");
  CHECK(variant_of(doc, "fractional-flag-A-shared-seed", "nine") == "clubs");
  CHECK(variant_of(doc, "fractional-flag-A-shared-seed", "two") == "spades");
}

TEST_CASE("the bucket is (hash * total weight) >> 32, at the edges of the hash range") {
  std::vector<Json> halves = {Json::array({"lower", 50}), Json::array({"upper", 50})};
  auto doc = doc_with("edge", fractional(var("targetingKey"), halves),
                      {{"lower", "lower"}, {"upper", "upper"}});
  struct Case {
    const char* key;
    uint64_t bucket;
    const char* variant;
  };
  for (auto c : {Case{"ejOoVL", 0, "lower"}, Case{"bY9fO-", 0, "lower"}, Case{"SI7p-", 49, "lower"},
                 Case{"6LvT0", 50, "upper"}, Case{"ceQdGm", 99, "upper"}}) {
    CAPTURE(c.key);
    auto result = evaluate_flag(doc, "edge", c.key);
    CHECK(result.variant == c.variant);
    CHECK(result.reason == "TARGETING_MATCH");
    CHECK(result.bucket == c.bucket);
    CHECK(result.total_weight == 100u);
    CHECK(result.bucket_value == c.key);
  }
}

TEST_CASE("without a bucketBy the flag key and the targeting key are hashed together") {
  // Buckets from flagd_bucket.py: murmur3("batch-upload" + key) * 100 >> 32.
  auto doc = doc_with("batch-upload",
                      fractional(nullptr, {Json::array({"on", 10}), Json::array({"off", 90})}));
  auto result = evaluate_flag(doc, "batch-upload", "alice@example.com");
  CHECK(result.bucket_value == "batch-uploadalice@example.com");
  CHECK(result.bucket == 12u);
  CHECK(result.variant == "off");
  CHECK(evaluate_flag(doc, "batch-upload", "user-2").bucket == 3u);
  CHECK(variant_of(doc, "batch-upload", "user-2") == "on");
  CHECK(variant_of(doc, "batch-upload", "user-7") == "on");   // bucket 8
  CHECK(variant_of(doc, "batch-upload", "user-1") == "off");  // bucket 78
  // Spelled out with cat, the rule gives the same answers.
  Json cat =
      op("cat", Json::array({var("$flagd.flagKey"), op("var", Json::array({"targetingKey"}))}));
  auto spelled = doc_with("batch-upload",
                          fractional(cat, {Json::array({"on", 10}), Json::array({"off", 90})}));
  for (int i = 0; i < 200; ++i) {
    std::string key = "user-" + std::to_string(i);
    CHECK(variant_of(spelled, "batch-upload", key) == variant_of(doc, "batch-upload", key));
  }
  // A leading null is dropped, as flagd drops a bucketBy that evaluates to null.
  auto with_null = doc;
  with_null["flags"]["batch-upload"]["targeting"]["fractional"] =
      Json::array({nullptr, Json::array({"on", 10}), Json::array({"off", 90})});
  CHECK(variant_of(with_null, "batch-upload", "user-2") == "on");
  CHECK(variant_of(with_null, "batch-upload", "user-1") == "off");
}

TEST_CASE("weights: a name alone weighs 1, zero weights are never picked, any total works") {
  Json variants = {{"a", 1}, {"b", 2}, {"c", 3}};
  auto named =
      doc_with("f", fractional(nullptr, {Json::array({"a"}), Json::array({"b"})}), variants);
  auto weighted =
      doc_with("f", fractional(nullptr, {Json::array({"a", 1}), Json::array({"b", 1})}), variants);
  auto zero = doc_with(
      "f",
      fractional(nullptr, {Json::array({"c", 0}), Json::array({"a", 1}), Json::array({"b", 1})}),
      variants);
  auto all_a = doc_with("f", fractional(nullptr, {Json::array({"a", 100}), Json::array({"b", 0})}),
                        variants);
  for (int i = 0; i < 300; ++i) {
    std::string key = "k" + std::to_string(i);
    CHECK(variant_of(named, "f", key) == variant_of(weighted, "f", key));
    CHECK(variant_of(zero, "f", key) == variant_of(weighted, "f", key));
    CHECK(variant_of(all_a, "f", key) == "a");
  }
  CHECK(evaluate_flag(weighted, "f", "k1").total_weight == 2u);
  // 50.0 is a whole number: JSON has no integer type, flagd takes it.
  auto floaty = doc_with(
      "f", fractional(nullptr, {Json::array({"a", 50.0}), Json::array({"b", 50})}), variants);
  CHECK(evaluate_flag(floaty, "f", "k1").total_weight == 100u);
}

TEST_CASE("disabled and static flags give the defaultVariant with their reason") {
  auto doc =
      doc_with("f", fractional(nullptr, {Json::array({"on", 100}), Json::array({"off", 0})}));
  CHECK(evaluate_flag(doc, "f", "k").variant == "on");
  doc["flags"]["f"]["state"] = "DISABLED";
  auto disabled = evaluate_flag(doc, "f", "k");
  CHECK(disabled.variant == "off");
  CHECK(disabled.reason == "DISABLED");
  CHECK_FALSE(disabled.bucket.has_value());

  auto none = evaluate_flag(doc_with("f", nullptr), "f", "k");
  CHECK(none.variant == "off");
  CHECK(none.reason == "STATIC");
  auto empty = evaluate_flag(doc_with("f", Json::object()), "f", "k");
  CHECK(empty.variant == "off");
  CHECK(empty.reason == "STATIC");
}

TEST_CASE("a null bucket serves the defaultVariant (DEFAULT); true/false name variants") {
  auto doc = doc_with("f", fractional(nullptr, {Json::array({nullptr, 1})}));
  doc["flags"]["f"]["targeting"]["fractional"].push_back(Json::array({nullptr, 1}));
  auto result = evaluate_flag(doc, "f", "k");
  CHECK(result.variant == "off");
  CHECK(result.reason == "DEFAULT");

  auto booleans =
      doc_with("b", fractional(nullptr, {Json::array({true, 1}), Json::array({true, 1})}),
               {{"false", 0}, {"true", 1}});
  CHECK(variant_of(booleans, "b", "k") == "true");
}

TEST_CASE("a $ref to $evaluators is resolved as flagd does when it loads the file") {
  auto doc = doc_with("f", {{"$ref", "half"}});
  doc["$evaluators"] = {
      {"half", fractional(nullptr, {Json::array({"on", 50}), Json::array({"off", 50})})}};
  auto inline_doc =
      doc_with("f", fractional(nullptr, {Json::array({"on", 50}), Json::array({"off", 50})}));
  for (int i = 0; i < 50; ++i) {
    std::string key = "u" + std::to_string(i);
    CHECK(variant_of(doc, "f", key) == variant_of(inline_doc, "f", key));
  }
  doc["flags"]["f"]["targeting"] = {{"$ref", "missing"}};
  CHECK(usage_error_of([&] { evaluate_flag(doc, "f", "k"); }).find("$evaluators") !=
        std::string::npos);
}

TEST_CASE("an unknown flag is a usage error listing the flags the file has") {
  auto doc = doc_with("batch-upload", nullptr);
  doc["flags"]["dark-mode"] = doc["flags"]["batch-upload"];
  std::string hint;
  try {
    evaluate_flag(doc, "batch-uplod", "k", "flags.json");
    FAIL("expected an error");
  } catch (const factory::core::Error& e) {
    CHECK(e.code() == factory::core::ExitCode::usage);
    CHECK(std::string(e.what()) == "flag 'batch-uplod' is not in flags.json");
    hint = e.hint();
  }
  CHECK(hint.find("batch-upload, dark-mode") != std::string::npos);
  CHECK(usage_error_of([] {
          evaluate_flag(Json{{"flags", Json::object()}}, "x", "k");
        }).find("is not in") != std::string::npos);
}

TEST_CASE("rules the evaluator cannot answer exactly are usage errors, never a guess") {
  auto error_for = [](const Json& targeting, const Json& variants = nullptr) {
    return usage_error_of(
        [&] { evaluate_flag(doc_with("f", targeting, variants), "f", "k", "x.json"); });
  };
  const std::vector<Json> on_off = {Json::array({"on", 1}), Json::array({"off", 1})};
  auto msg = error_for(op("if", Json::array({true, "on", "off"})));
  CHECK(msg.find("x.json: flag 'f'") == 0);
  CHECK(msg.find("'if'") != std::string::npos);
  CHECK(error_for(fractional(var("email"), on_off)).find("email") != std::string::npos);
  CHECK(error_for(fractional(var("$flagd.timestamp"), on_off)).find("timestamp") !=
        std::string::npos);
  CHECK(error_for(fractional(op("substr", Json::array({"abc", 1})), on_off)).find("'substr'") !=
        std::string::npos);
  CHECK(error_for(fractional(42, on_off)).find("42") != std::string::npos);
  CHECK(error_for(fractional(nullptr, {Json::array({"maybe", 1}), Json::array({"off", 1})}))
            .find("'maybe'") != std::string::npos);
  CHECK(error_for(fractional(nullptr, {Json::array({"on", -5}), Json::array({"off", 1})}))
            .find("-5") != std::string::npos);
  CHECK(error_for(fractional(nullptr, {Json::array({"on", 2.5}), Json::array({"off", 1})}))
            .find("2.5") != std::string::npos);
  CHECK(
      error_for(fractional(nullptr, {Json::array({"on", 0}), Json::array({"off", 0})})).find("0") !=
      std::string::npos);
  CHECK(error_for(op("fractional", Json::array({Json::array({"on", 1})}))).find("two") !=
        std::string::npos);
  Json two_ops = fractional(nullptr, on_off);
  two_ops["if"] = Json::array({true});
  CHECK(error_for(two_ops).find("JSON Logic") != std::string::npos);
  CHECK(error_for(fractional(nullptr, {Json::array({"on", 2147483647}), Json::array({"off", 1})}))
            .find("add up") != std::string::npos);
}

TEST_CASE("a defaultVariant that is not a variant is an error, as flagd refuses the file") {
  auto doc = doc_with("f", nullptr);
  doc["flags"]["f"]["defaultVariant"] = "maybe";
  CHECK(usage_error_of([&] { evaluate_flag(doc, "f", "k"); }).find("'maybe'") != std::string::npos);
  doc["flags"]["f"].erase("defaultVariant");
  CHECK(usage_error_of([&] { evaluate_flag(doc, "f", "k"); }).find("defaultVariant") !=
        std::string::npos);
}
