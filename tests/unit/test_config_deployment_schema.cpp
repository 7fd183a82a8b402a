// contracts/deployment.schema.json and contracts/README.md describe what parse_deployment reads;
// these tests catch the three drifting apart (a key added to one and not the others).

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "config/deployment_file.hpp"
#include "core/error.hpp"

namespace fs = std::filesystem;
using factory::core::Error;
using namespace factory::config;

namespace {

const fs::path k_contracts = fs::path(FACTORY_SOURCE_DIR) / "contracts";

std::string read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The keys parse_deployment accepts where `yaml` has the unknown key `zzz`, read from the
// error's "valid keys here: a, b" hint.
std::set<std::string> accepted_keys(const std::string& yaml) {
  std::string hint;
  try {
    parse_deployment(yaml, "d");
    FAIL("zzz must be an unknown key in:\n" << yaml);
  } catch (const Error& e) {
    hint = e.hint();
  }
  const std::string marker = "valid keys here: ";
  size_t at = hint.find(marker);
  REQUIRE(at != std::string::npos);
  std::set<std::string> out;
  for (size_t start = at + marker.size(); start <= hint.size();) {
    size_t end = std::min(hint.find(", ", start), hint.size());
    out.insert(hint.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

// The property names a schema object allows.
std::set<std::string> schema_keys(const nlohmann::json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.at("properties").items()) out.insert(key);
  return out;
}

}  // namespace

TEST_CASE("the JSON Schema allows exactly the keys and strategies factory reads") {
  auto schema = nlohmann::json::parse(read_all(k_contracts / "deployment.schema.json"));
  CHECK(schema.at("$schema") == "https://json-schema.org/draft/2020-12/schema");
  CHECK(accepted_keys("zzz: 1\n") == schema_keys(schema));
  const auto& plan = schema.at("properties").at("deployment");
  CHECK(accepted_keys("deployment:\n  zzz: 1\n") == schema_keys(plan));
  CHECK(accepted_keys("deployment:\n  steps: [{zzz: 1}]\n") ==
        schema_keys(schema.at("$defs").at("step")));
  CHECK(accepted_keys("deployment:\n  steps:\n    - name: a\n      percentage: 1\n"
                      "      auto_rollback_on: [{zzz: 1}]\n") ==
        schema_keys(schema.at("$defs").at("rule")));
  std::set<std::string> strategies;
  for (const auto& name : plan.at("properties").at("strategy").at("enum")) {
    strategies.insert(name.get<std::string>());
    CHECK(factory::core::parse_strategy(name.get<std::string>()));
  }
  CHECK(strategies == std::set<std::string>{"canary", "gradual", "manual"});
  CHECK(plan.at("properties").at("strategy").at("default") ==
        factory::core::strategy_name(factory::core::Deployment{}.strategy));
}

TEST_CASE("the example in contracts/README.md parses") {
  std::string readme = read_all(k_contracts / "README.md");
  size_t section = readme.find("## deployment.yaml");
  REQUIRE(section != std::string::npos);
  size_t start = readme.find("```yaml\n", section);
  REQUIRE(start != std::string::npos);
  start += 8;
  std::string example = readme.substr(start, readme.find("```", start) - start);
  CAPTURE(example);
  auto d = parse_deployment(example, "README.md");
  CHECK(d.flag == "batch-upload");
  CHECK(d.steps.size() == 3);
}
