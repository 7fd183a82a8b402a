#include <doctest/doctest.h>

#include "core/deployment.hpp"

using factory::core::parse_strategy;
using factory::core::RolloutStrategy;
using factory::core::strategy_name;

TEST_CASE("strategy names are the words deployment.yaml uses, and parse back") {
  CHECK(strategy_name(RolloutStrategy::canary) == "canary");
  CHECK(strategy_name(RolloutStrategy::gradual) == "gradual");
  CHECK(strategy_name(RolloutStrategy::manual) == "manual");
  for (auto s : {RolloutStrategy::canary, RolloutStrategy::gradual, RolloutStrategy::manual}) {
    CHECK(parse_strategy(strategy_name(s)) == s);
  }
  CHECK_FALSE(parse_strategy("Canary"));
  CHECK_FALSE(parse_strategy(""));
  CHECK_FALSE(parse_strategy("blue-green"));
}
