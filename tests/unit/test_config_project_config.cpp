#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/project_config.hpp"
#include "core/error.hpp"

namespace fs = std::filesystem;
using factory::core::Error;
using factory::core::ExitCode;
using factory::core::Stage;
using namespace factory::config;
using namespace std::chrono_literals;

namespace {

// The message of the usage Error that parsing `text` raises; the hint must not be empty.
std::string error_of(const std::string& text) {
  try {
    parse_project_config(text, ".factory.toml");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK_FALSE(e.hint().empty());
    return e.what();
  }
  FAIL("expected an error for: " << text);
  return {};
}

}  // namespace

TEST_CASE("an empty file gives the defaults") {
  ProjectConfig config = parse_project_config("", ".factory.toml");
  CHECK_FALSE(config.language);
  CHECK(config.workspace_root.empty());
  CHECK(config.backend == "auto");
  CHECK(config.coverage_min == 80);
  CHECK(config.review_max_lines == 1000);
  CHECK(config.stages.empty());
}

TEST_CASE("a full valid file") {
  ProjectConfig config = parse_project_config(R"(# project settings
[project]
language = "go"

[workspace]
root = "../work"
backend = "jj"

[coverage]
min = 90

[review]
max_lines = 400

[stages.lint]
command = "golangci-lint run"
timeout = "90s"
retries = 2

[stages.unit-test]
timeout = 300

[stages.security]
command = ""
)",
                                              ".factory.toml");
  CHECK(config.language == "go");
  CHECK(config.workspace_root == "../work");
  CHECK(config.backend == "jj");
  CHECK(config.coverage_min == 90);
  CHECK(config.review_max_lines == 400);
  REQUIRE(config.stages.size() == 3);
  const StageOverride& lint = config.stages.at(Stage::lint);
  CHECK(lint.command == "golangci-lint run");
  CHECK(lint.timeout == 90s);
  CHECK(lint.retries == 2);
  const StageOverride& unit = config.stages.at(Stage::unit_test);
  CHECK_FALSE(unit.command);
  CHECK(unit.timeout == 5min);
  CHECK_FALSE(unit.retries);
  CHECK(config.stages.at(Stage::security).command == "");
}

TEST_CASE("durations accept units and plain seconds") {
  auto timeout_of = [](const std::string& value) {
    return parse_project_config("[stages.accept]\ntimeout = " + value + "\n", "f")
        .stages.at(Stage::accept)
        .timeout;
  };
  CHECK(timeout_of("\"5m\"") == 5min);
  CHECK(timeout_of("\"1h\"") == 1h);
  CHECK(timeout_of("\"250ms\"") == 250ms);
  CHECK(timeout_of("\"45\"") == 45s);
  CHECK(timeout_of("120") == 120s);
}

TEST_CASE("a syntax error names file, line and column") {
  std::string message = error_of("[project]\nlanguage = \"go\n");
  CHECK(message.find(".factory.toml:2:") == 0);
  message = error_of("[coverage]\nmin = = 3\n");
  CHECK(message.find(".factory.toml:2:7: ") == 0);
}

TEST_CASE("unknown tables and keys are errors at their position") {
  CHECK(error_of("[projekt]\nlanguage = \"go\"\n") ==
        ".factory.toml:1:2: unknown table [projekt] (key projekt)");
  CHECK(error_of("[project]\nlanguage = \"go\"\nlang = \"x\"\n") ==
        ".factory.toml:3:1: unknown key 'lang' in [project] (key project.lang)");
  CHECK(error_of("[stages.lint]\ncmd = \"x\"\n") ==
        ".factory.toml:2:1: unknown key 'cmd' in [stages.lint] (key stages.lint.cmd)");
}

TEST_CASE("an unknown stage name is an error naming the stage") {
  std::string message = error_of("\n[stages.deploy]\ncommand = \"x\"\n");
  CHECK(message == ".factory.toml:2:9: unknown stage 'deploy' (key stages.deploy)");
}

TEST_CASE("wrong types are errors at the value") {
  CHECK(error_of("[coverage]\nmin = \"80\"\n") ==
        ".factory.toml:2:7: expected an integer, got a string (key coverage.min)");
  CHECK(error_of("[project]\nlanguage = 3\n") ==
        ".factory.toml:2:12: expected a string, got an integer (key project.language)");
  CHECK(error_of("[stages.lint]\ncommand = [\"a\"]\n") ==
        ".factory.toml:2:11: expected a string, got an array (key stages.lint.command)");
  CHECK(error_of("[stages.lint]\nretries = 1.5\n") ==
        ".factory.toml:2:11: expected an integer, got a float (key stages.lint.retries)");
  CHECK(error_of("[stages.lint]\ntimeout = true\n") ==
        ".factory.toml:2:11: expected a duration, got a boolean (key stages.lint.timeout)");
  CHECK(error_of("project = 1\n") ==
        ".factory.toml:1:11: expected a table, got an integer (key project)");
  CHECK(error_of("stages = \"x\"\n") ==
        ".factory.toml:1:10: expected a table, got a string (key stages)");
  CHECK(error_of("[stages]\nlint = \"x\"\n") ==
        ".factory.toml:2:8: expected a table, got a string (key stages.lint)");
}

TEST_CASE("bad values are errors at the value") {
  CHECK(error_of("[stages.lint]\ntimeout = \"5 minutes\"\n") ==
        ".factory.toml:2:11: bad duration \"5 minutes\" (key stages.lint.timeout)");
  CHECK(error_of("[stages.lint]\ntimeout = 0\n") ==
        ".factory.toml:2:11: the timeout must be positive (key stages.lint.timeout)");
  CHECK(error_of("[stages.lint]\nretries = 11\n") ==
        ".factory.toml:2:11: 11 is out of range (key stages.lint.retries)");
  CHECK(error_of("[stages.lint]\nretries = -1\n") ==
        ".factory.toml:2:11: -1 is out of range (key stages.lint.retries)");
  CHECK(error_of("[coverage]\nmin = 101\n") ==
        ".factory.toml:2:7: 101 is out of range (key coverage.min)");
  CHECK(error_of("[review]\nmax_lines = 0\n") ==
        ".factory.toml:2:13: 0 is out of range (key review.max_lines)");
  CHECK(error_of("[workspace]\nbackend = \"svn\"\n") ==
        ".factory.toml:2:11: unknown backend \"svn\" (key workspace.backend)");
}

TEST_CASE("load_project_config reads the file, and a missing file gives the defaults") {
  std::string pattern = (fs::temp_directory_path() / "factory-config-XXXXXX").string();
  fs::path dir = mkdtemp(pattern.data());
  fs::path file = dir / ".factory.toml";
  CHECK(load_project_config(file).coverage_min == 80);

  std::ofstream(file) << "[coverage]\nmin = 75\n";
  CHECK(load_project_config(file).coverage_min == 75);

  std::ofstream(file) << "[coverage]\nmin = \"x\"\n";
  try {
    load_project_config(file);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find(file.string() + ":2:7: ") == 0);
  }
  fs::remove_all(dir);
}

TEST_CASE("toml_quoted round-trips quotes, backslashes and newlines") {
  const std::string command = "echo \"a\\b\" 'c'\nprintf '%s\\n' $X";
  auto text = "[stages.lint]\ncommand = " + factory::config::toml_quoted(command) + "\n";
  auto parsed = factory::config::parse_project_config(text, ".factory.toml");
  REQUIRE(parsed.stages.count(factory::core::Stage::lint) == 1);
  CHECK(parsed.stages.at(factory::core::Stage::lint).command == command);
}
