#include <doctest/doctest.h>

#include <regex>
#include <string>

#include "core/error.hpp"
#include "core/glob.hpp"
#include "lang/embedded.hpp"
#include "lang/language_template.hpp"
#include "test_error_support.hpp"

using factory::core::Error;
using factory::core::ExitCode;
using factory::core::Stage;
using namespace factory::lang;
using namespace std::chrono_literals;

namespace {

// The message of the usage Error `yaml` raises.
std::string error_of(const std::string& yaml) {
  return factory::testing::usage_error_of([&] { parse_template(yaml, "my.yaml"); });
}

// A minimal valid template with all ten stages; `lint` is the line given.
std::string minimal(const std::string& lint = "  lint: {command: lint}\n") {
  return "name: demo\n"
         "markers: [demo.txt]\n"
         "stages:\n"
         "  tdd-setup: {command: t, red_exit: [1], red_output: 'failed'}\n"
         "  implement: {command: b}\n"
         "  unit-test: {command: t}\n"
         "  coverage: {command: c, coverage_pattern: '(\\d+)%'}\n" +
         lint +
         "  static: {command: ''}\n"
         "  integration: {command: ''}\n"
         "  security: {command: ''}\n"
         "  review: {builtin: review}\n"
         "  accept: {command: a}\n";
}

}  // namespace

TEST_CASE("every embedded template parses, has all ten stages and the review builtin") {
  REQUIRE(known_languages() ==
          std::vector<std::string>{"cmake", "gleam", "go", "node", "python", "rust"});
  for (const auto& name : known_languages()) {
    CAPTURE(name);
    const LanguageTemplate& t = template_for(name);
    CHECK(t.name == name);
    CHECK_FALSE(t.display.empty());
    CHECK_FALSE(t.markers.empty());
    CHECK_FALSE(t.test_globs.empty());
    CHECK_FALSE(t.byproducts.empty());
    CHECK(t.stages.size() == 10);
    CHECK(t.stages.at(Stage::review).builtin == "review");
    CHECK(t.stages.at(Stage::review).command.empty());
    const StageSpec& tdd = t.stages.at(Stage::tdd_setup);
    CHECK_FALSE(tdd.red_exit.empty());
    CHECK_FALSE(tdd.red_output.empty());
    CHECK_FALSE(t.stages.at(Stage::implement).command.empty());
    CHECK_FALSE(t.stages.at(Stage::unit_test).command.empty());
    CHECK_FALSE(t.stages.at(Stage::accept).command.empty());
    for (const auto& [stage, spec] : t.stages) {
      CHECK(spec.stage == stage);
      // A configured command names its tool, so a failed probe can say what is missing.
      if (!spec.command.empty()) CHECK_FALSE(spec.tool.empty());
      if (!spec.probe.empty()) CHECK_FALSE(spec.install_hint.empty());
    }
  }
}

TEST_CASE("template content the pipeline relies on") {
  const auto& python = template_for("python");
  CHECK(python.stages.at(Stage::unit_test).command.find("python3 -m pytest") == 0);
  CHECK(python.stages.at(Stage::unit_test).probe == "python3 -c \"import pytest\"");
  CHECK(python.stages.at(Stage::tdd_setup).red_exit == std::vector<int>{1});
  CHECK(python.stages.at(Stage::lint).timeout == 5min);
  std::regex red(python.stages.at(Stage::tdd_setup).red_output);
  CHECK(std::regex_search("1 failed, 1 passed in 0.02s", red));
  CHECK_FALSE(std::regex_search("1 error in 0.05s", red));
  std::regex total(python.stages.at(Stage::coverage).coverage_pattern);
  std::smatch m;
  std::string report = "Name Stmts Miss Cover\ncalc.py 4 1 75%\nTOTAL         4      1    75%\n";
  REQUIRE(std::regex_search(report, m, total));
  CHECK(m[1] == "75");

  const auto& go = template_for("go");
  std::regex go_total(go.stages.at(Stage::coverage).coverage_pattern);
  std::string func = "example.com/calc/calc.go:4:\tAdd\t100.0%\ntotal:\t(statements)\t50.0%\n";
  REQUIRE(std::regex_search(func, m, go_total));
  CHECK(m[1] == "50.0");
  CHECK(go.stages.at(Stage::lint).command.find("gofmt -l") != std::string::npos);

  const auto& rust = template_for("rust");
  CHECK(rust.stages.at(Stage::static_analysis).command.find("-D warnings") != std::string::npos);
  CHECK(rust.stages.at(Stage::coverage).install_hint == "cargo install cargo-tarpaulin");
  CHECK(template_for("cmake").stages.at(Stage::security).command.empty());
}

TEST_CASE("parse_template reads every stage field") {
  auto t = parse_template(minimal("  lint:\n    command: fmt --check\n    tool: fmt\n"
                                  "    probe: fmt --version\n    install_hint: get fmt\n"
                                  "    timeout: 90s\n    retries: 2\n"),
                          "demo.yaml");
  CHECK(t.name == "demo");
  CHECK(t.display == "demo");
  const StageSpec& lint = t.stages.at(Stage::lint);
  CHECK(lint.command == "fmt --check");
  CHECK(lint.tool == "fmt");
  CHECK(lint.probe == "fmt --version");
  CHECK(lint.install_hint == "get fmt");
  CHECK(lint.timeout == 90s);
  CHECK(lint.retries == 2);
  CHECK(t.stages.at(Stage::implement).timeout == 10min);
  CHECK(t.stages.at(Stage::tdd_setup).red_exit == std::vector<int>{1});
  CHECK(t.stages.at(Stage::static_analysis).command.empty());
  auto seconds = parse_template(minimal("  lint: {command: x, timeout: 300}\n"), "demo.yaml");
  CHECK(seconds.stages.at(Stage::lint).timeout == 5min);
}

TEST_CASE("env keeps the template's order") {
  auto t = parse_template("env:\n  B: '2'\n  A: '1'\n" + minimal(), "demo.yaml");
  REQUIRE(t.env.size() == 2);
  CHECK(t.env[0] == std::pair<std::string, std::string>{"B", "2"});
  CHECK(t.env[1] == std::pair<std::string, std::string>{"A", "1"});
}

TEST_CASE("bad YAML reports file, line and column") {
  std::string message = error_of("name: demo\nstages: [unclosed\n");
  CHECK(message.find("my.yaml:") == 0);
  CHECK(std::regex_search(message, std::regex("^my\\.yaml:[23]:\\d+: ")));
}

TEST_CASE("errors name the 1-based position and the key") {
  SUBCASE("unknown top-level key") {
    CHECK(error_of("name: demo\ncolour: red\n") ==
          "my.yaml:2:1: unknown key 'colour' (key colour)");
  }
  SUBCASE("unknown stage key") {
    std::string message = error_of(minimal("  lint: {command: x, comand: y}\n"));
    CHECK(message == "my.yaml:8:22: unknown key 'comand' (key stages.lint.comand)");
  }
  SUBCASE("bad duration") {
    std::string message = error_of(minimal("  lint: {command: x, timeout: 5 minutes}\n"));
    CHECK(message == "my.yaml:8:31: bad duration '5 minutes' (key stages.lint.timeout)");
  }
  SUBCASE("retries out of range") {
    CHECK(error_of(minimal("  lint: {command: x, retries: 11}\n"))
              .find("(key stages.lint.retries)") != std::string::npos);
  }
  SUBCASE("unknown stage") {
    std::string message = error_of(minimal() + "  deploy: {command: d}\n");
    CHECK(message == "my.yaml:14:3: unknown stage 'deploy' (key stages.deploy)");
  }
  SUBCASE("missing stage") {
    std::string all = minimal();
    size_t at = all.find("  lint:");
    std::string without_lint = all.erase(at, all.find('\n', at) + 1 - at);
    CHECK(error_of(without_lint).find("missing stage 'lint'") != std::string::npos);
  }
  SUBCASE("invalid regex") {
    CHECK(error_of("debug_patterns: ['(unclosed']\n" + minimal())
              .find("my.yaml:1:18: invalid regular expression") == 0);
  }
  SUBCASE("coverage pattern without a group") {
    std::string message = error_of(minimal("  lint: {command: x, coverage_pattern: '\\d+%'}\n"));
    CHECK(message.find("(key stages.lint.coverage_pattern)") != std::string::npos);
  }
  SUBCASE("unknown builtin") {
    CHECK(error_of(minimal("  lint: {builtin: magic}\n")).find("unknown builtin 'magic'") !=
          std::string::npos);
  }
  SUBCASE("wrong type") {
    CHECK(error_of("name: demo\nmarkers: go.mod\n") ==
          "my.yaml:2:10: expected a list of strings (key markers)");
  }
}

TEST_CASE("template_for an unknown language lists the known ones") {
  try {
    template_for("cobol");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK(std::string(e.what()) == "unknown language 'cobol'");
    CHECK(e.hint().find("python") != std::string::npos);
  }
}

TEST_CASE("test globs pick the test files, not the sources") {
  const std::pair<const char*, const char*> cases[] = {
      {"python", "tests/test_calc.py"}, {"python", "pkg/test_calc.py"},
      {"go", "internal/calc_test.go"},  {"go", "internal/testdata/in.txt"},
      {"rust", "tests/it.rs"},          {"cmake", "tests/calc_test.cpp"},
      {"node", "test/calc.test.js"},    {"node", "src/calc.spec.ts"},
      {"gleam", "test/app_test.gleam"},
  };
  for (const auto& [language, path] : cases) {
    CAPTURE(path);
    CHECK(factory::core::glob_match_any(template_for(language).test_globs, path));
  }
  const std::pair<const char*, const char*> sources[] = {
      {"python", "calc.py"},     {"go", "calc.go"},       {"rust", "src/lib.rs"},
      {"cmake", "src/calc.cpp"}, {"node", "src/calc.js"}, {"gleam", "src/app.gleam"},
  };
  for (const auto& [language, path] : sources) {
    CAPTURE(path);
    CHECK_FALSE(factory::core::glob_match_any(template_for(language).test_globs, path));
  }
}
