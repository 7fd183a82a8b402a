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
using factory::extract::FramePick;
using factory::extract::PatternKind;
using namespace factory::config;
using namespace std::chrono_literals;

namespace {

// The usage Error that parsing `text` raises; its hint must not be empty.
Error error_from(const std::string& text) {
  try {
    parse_project_config(text, ".factory.toml");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK_FALSE(e.hint().empty());
    return e;
  }
  FAIL("expected an error for: " << text);
  return Error(ExitCode::ok, "");
}

// Its message.
std::string error_of(const std::string& text) {
  return error_from(text).what();
}

// Its message and hint, as "message | hint".
std::string error_and_hint_of(const std::string& text) {
  Error e = error_from(text);
  return std::string(e.what()) + " | " + e.hint();
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
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

TEST_CASE("a duration over 24 hours is an error naming the place, the key and the maximum") {
  // Once these overflowed: a huge integer became a negative timeout (never killing a hung
  // agent) and a huge string was called "not positive".
  std::string e =
      error_and_hint_of("[agents.debug]\ncommand = \"cat\"\ntimeout = 9223372036854775807\n");
  CHECK(has(e, ".factory.toml:3:11: duration 9223372036854775807 is too long"));
  CHECK(has(e, "(key agents.debug.timeout)"));
  CHECK(has(e, "24 hours"));
  CHECK(has(e, "\"24h\""));

  e = error_and_hint_of("[stages.lint]\ntimeout = \"999999999999999h\"\n");
  CHECK(has(e, ".factory.toml:2:11: duration \"999999999999999h\" is too long"));
  CHECK(has(e, "(key stages.lint.timeout)"));
  CHECK(has(e, "24 hours"));
  CHECK_FALSE(has(e, "positive"));

  CHECK(has(error_and_hint_of("[stages.lint]\ntimeout = 86401\n"), "is too long"));
  CHECK(has(error_and_hint_of("[stages.lint]\ntimeout = \"1441m\"\n"), "is too long"));
  CHECK(has(error_and_hint_of("[stages.lint]\ntimeout = \"inf\"\n"), "is too long"));
  CHECK(has(error_and_hint_of("[stages.lint]\ntimeout = \"nan\"\n"), "bad duration"));
  CHECK(has(error_and_hint_of("[stages.lint]\ntimeout = \"-5s\"\n"), "bad duration"));
}

TEST_CASE("24 hours is the longest duration accepted") {
  auto timeout_of = [](const std::string& value) {
    return parse_project_config("[agents.debug]\ntimeout = " + value + "\n", "f")
        .debug_agent_timeout;
  };
  CHECK(timeout_of("86400") == 24h);
  CHECK(timeout_of("\"24h\"") == 24h);
  CHECK(timeout_of("\"1440m\"") == 24h);
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

// [agents.debug] and [[extract.patterns]]

TEST_CASE("no [agents.debug] and no patterns: no agent, a 5 minute timeout, no user patterns") {
  ProjectConfig config = parse_project_config("[coverage]\nmin = 50\n", ".factory.toml");
  CHECK(config.debug_agent_command.empty());
  CHECK(config.debug_agent_timeout == 5min);
  CHECK(config.extract_patterns.empty());
}

TEST_CASE("[agents.debug] command and timeout") {
  ProjectConfig config = parse_project_config(
      "[agents.debug]\ncommand = \"llm -m local --system 'fix it'\"\ntimeout = \"90s\"\n",
      ".factory.toml");
  CHECK(config.debug_agent_command == "llm -m local --system 'fix it'");
  CHECK(config.debug_agent_timeout == 90s);

  CHECK(parse_project_config("[agents.debug]\ncommand = \"x\"\ntimeout = 30\n", "f")
            .debug_agent_timeout == 30s);
  CHECK(
      parse_project_config("[agents]\ndebug = { command = \"cat\" }\n", "f").debug_agent_command ==
      "cat");
}

TEST_CASE("[agents.debug] errors name file:line:col and the key path") {
  std::string e = error_and_hint_of("[agents.debug]\ncommand = 42\n");
  CHECK(has(e, ".factory.toml:2:11:"));
  CHECK(has(e, "expected a string"));
  CHECK(has(e, "(key agents.debug.command)"));

  e = error_and_hint_of("[agents.debug]\ncommand = \"cat\"\ntimeout = \"soon\"\n");
  CHECK(has(e, ".factory.toml:3:11:"));
  CHECK(has(e, "bad duration \"soon\""));
  CHECK(has(e, "(key agents.debug.timeout)"));

  e = error_and_hint_of("[agents.debug]\ncomand = \"cat\"\n");
  CHECK(has(e, ".factory.toml:2:1:"));
  CHECK(has(e, "unknown key 'comand'"));
  CHECK(has(e, "command, timeout"));

  e = error_and_hint_of("[agents.review]\ncommand = \"cat\"\n");
  CHECK(has(e, "(key agents.review)"));

  e = error_and_hint_of("[agents.debug]\ncommand = \"  \"\n");
  CHECK(has(e, "the command is empty"));

  e = error_and_hint_of("[agents.debug]\ncommand = \"cat\"\ntimeout = \"0s\"\n");
  CHECK(has(e, "(key agents.debug.timeout)"));
}

TEST_CASE("[[extract.patterns]] become pattern specs in file order, tagged with where they are") {
  ProjectConfig config = parse_project_config(R"([[extract.patterns]]
tool = "mylint"
regex = '^(?P<file>[^:]+):(?P<line>\d+): (?P<message>.*)$'
severity = "warning"
priority = 5

[[extract.patterns]]
tool = "mytest"
group = "mytest-block"
kind = "start"
frames = "last"
regex = '^FAIL (?<test>\S+)$'
message = "test failed"
)",
                                              ".factory.toml");
  REQUIRE(config.extract_patterns.size() == 2);
  const auto& lint = config.extract_patterns[0];
  CHECK(lint.tool == "mylint");
  CHECK(lint.group == "mylint");
  CHECK(lint.kind == PatternKind::single);
  CHECK(lint.severity == "warning");
  CHECK(lint.priority == 5);
  CHECK(lint.origin == ".factory.toml:1");
  const auto& test = config.extract_patterns[1];
  CHECK(test.group == "mytest-block");
  CHECK(test.kind == PatternKind::start);
  CHECK(test.frames == FramePick::last);
  CHECK(test.message == "test failed");
  CHECK(has(test.regex, "(?P<test>"));  // (?<name> is accepted and spelled for RE2
  CHECK(test.origin == ".factory.toml:7");
}

TEST_CASE("[[extract.patterns]] errors: RE2 rejects the regex, unknown keys, wrong types") {
  std::string e =
      error_and_hint_of("\n[[extract.patterns]]\ntool = \"x\"\nregex = '^(?=look)ahead'\n");
  CHECK(has(e, ".factory.toml:4:9:"));
  CHECK(has(e, "bad regex"));
  CHECK(has(e, "(key extract.patterns[0].regex)"));
  CHECK(has(e, "RE2"));

  e = error_and_hint_of("[[extract.patterns]]\ntool = \"x\"\nregex = '(a)\\1'\n");
  CHECK(has(e, "bad regex"));

  e = error_and_hint_of(
      "[[extract.patterns]]\ntool = \"x\"\nregex = 'a'\n[[extract.patterns]]\ntool = "
      "\"y\"\nregx = 'b'\n");
  CHECK(has(e, ".factory.toml:6:1:"));
  CHECK(has(e, "unknown key 'regx'"));
  CHECK(has(e, "(key extract.patterns[1].regx)"));

  e = error_and_hint_of("[[extract.patterns]]\nregex = 'a'\n");
  CHECK(has(e, "a pattern needs a tool name"));

  e = error_and_hint_of("[[extract.patterns]]\ntool = \"x\"\nregex = '(?P<filename>.*)'\n");
  CHECK(has(e, "unknown group name 'filename'"));

  e = error_and_hint_of("[[extract.patterns]]\ntool = \"x\"\nregex = 'a'\nkind = \"middle\"\n");
  CHECK(has(e, "unknown kind 'middle'"));
  CHECK(has(e, "(key extract.patterns[0].kind)"));

  e = error_and_hint_of("[[extract.patterns]]\ntool = \"x\"\nregex = 'a'\nseverity = \"awful\"\n");
  CHECK(has(e, "unknown severity 'awful'"));

  e = error_and_hint_of("[[extract.patterns]]\ntool = \"x\"\nregex = 'a'\npriority = \"high\"\n");
  CHECK(has(e, "(key extract.patterns[0].priority)"));

  e = error_and_hint_of("[extract]\npatterns = \"^error\"\n");
  CHECK(has(e, "expected an array of tables, got a string"));
  CHECK(has(e, "(key extract.patterns)"));

  e = error_and_hint_of("[extract]\npattern = []\n");
  CHECK(has(e, "unknown key 'pattern' in [extract]"));
}

TEST_CASE("an empty patterns array is no patterns") {
  CHECK(parse_project_config("[extract]\npatterns = []\n", "f").extract_patterns.empty());
}

TEST_CASE("the unknown-table hint lists the new tables") {
  std::string e = error_and_hint_of("[agent]\ncommand = \"cat\"\n");
  CHECK(has(e, "[agents.debug]"));
  CHECK(has(e, "[[extract.patterns]]"));
}
