#include <doctest/doctest.h>
#include <fmt/format.h>

#include "config/project_config.hpp"
#include "lang/language_template.hpp"
#include "pipeline/task_context.hpp"
#include "pipeline/task_ops.hpp"

using namespace factory;
using core::Stage;

TEST_CASE("the config init writes parses back, for every language") {
  for (const auto& name : lang::known_languages()) {
    CAPTURE(name);
    const auto& tmpl = lang::template_for(name);
    std::string text = pipeline::render_config(tmpl);
    auto config = config::parse_project_config(text, ".factory.toml");
    CHECK(config.language == name);
    CHECK(config.coverage_min == 80);
    CHECK(config.stages.empty());  // the stage tables are comments until uncommented
    for (Stage s : core::all_stages()) {
      CHECK(text.find(fmt::format("# [stages.{}]", core::stage_name(s))) != std::string::npos);
    }
  }
}

TEST_CASE("uncommenting a rendered stage command gives the template's command back") {
  const auto& tmpl = lang::template_for("python");
  std::string text = pipeline::render_config(tmpl);
  auto at = text.find("# [stages.coverage]\n# command = ");
  REQUIRE(at != std::string::npos);
  text.replace(at, 2, "");
  text.replace(text.find("# command = ", at), 2, "");
  auto config = config::parse_project_config(text, ".factory.toml");
  REQUIRE(config.stages.count(Stage::coverage) == 1);
  CHECK(config.stages.at(Stage::coverage).command == tmpl.stages.at(Stage::coverage).command);
}

TEST_CASE("project overrides replace a stage's command, probe, timeout and retries") {
  const auto& base = lang::template_for("go");
  config::ProjectConfig config;
  config.stages[Stage::unit_test].command = "make check";
  config.stages[Stage::unit_test].timeout = std::chrono::seconds(5);
  config.stages[Stage::lint].retries = 2;
  auto effective = pipeline::effective_template(base, config);
  const auto& unit = effective.stages.at(Stage::unit_test);
  CHECK(unit.command == "make check");
  CHECK(unit.probe.empty());  // the project's own command is not probed for the template's tool
  CHECK(unit.timeout == std::chrono::seconds(5));
  CHECK(effective.stages.at(Stage::lint).retries == 2);
  CHECK(effective.stages.at(Stage::lint).command == base.stages.at(Stage::lint).command);
}
