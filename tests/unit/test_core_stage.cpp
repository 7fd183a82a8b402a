#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/stage.hpp"

using namespace factory::core;

TEST_CASE("stages come in pipeline order with their user-facing names") {
  const auto& stages = all_stages();
  REQUIRE(stages.size() == 10);
  CHECK(stage_name(stages.front()) == "tdd-setup");
  CHECK(stage_name(Stage::static_analysis) == "static");
  CHECK(stage_name(stages.back()) == "accept");
  CHECK(stage_number(Stage::unit_test) == 3);
  for (Stage s : stages) CHECK(parse_stage(stage_name(s)) == s);
}

TEST_CASE("unknown stage names are a usage error listing the valid ones") {
  CHECK_FALSE(parse_stage("unit_test").has_value());
  try {
    require_stage("tests");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK(std::string(e.what()).find("'tests'") != std::string::npos);
    CHECK(e.hint().find("unit-test") != std::string::npos);
  }
}

TEST_CASE("tdd-setup and accept are not TCR stages") {
  CHECK_FALSE(default_tcr(Stage::tdd_setup));
  CHECK_FALSE(default_tcr(Stage::accept));
  CHECK(default_tcr(Stage::implement));
  CHECK(default_tcr(Stage::review));
}

TEST_CASE("stage ranges") {
  CHECK(stage_range(std::nullopt, std::nullopt).size() == 10);
  auto mid = stage_range(Stage::unit_test, Stage::lint);
  REQUIRE(mid.size() == 3);
  CHECK(mid[0] == Stage::unit_test);
  CHECK(mid[2] == Stage::lint);
  CHECK(stage_range(Stage::review, std::nullopt).size() == 2);
  CHECK(stage_range(Stage::lint, Stage::lint).size() == 1);
  CHECK_THROWS_AS(stage_range(Stage::lint, Stage::implement), Error);
}
