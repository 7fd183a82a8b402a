#include <doctest/doctest.h>

#include <string>

#include "config/project_config.hpp"
#include "core/error.hpp"

using factory::core::Error;
using factory::core::ExitCode;
using factory::extract::FramePick;
using factory::extract::PatternKind;
using namespace factory::config;
using namespace std::chrono_literals;

namespace {

// The usage Error that parsing `text` raises, as "message | hint".
std::string error_of(const std::string& text) {
  try {
    parse_project_config(text, ".factory.toml");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK_FALSE(e.hint().empty());
    return std::string(e.what()) + " | " + e.hint();
  }
  FAIL("expected an error for: " << text);
  return {};
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

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
  std::string e = error_of("[agents.debug]\ncommand = 42\n");
  CHECK(has(e, ".factory.toml:2:11:"));
  CHECK(has(e, "expected a string"));
  CHECK(has(e, "(key agents.debug.command)"));

  e = error_of("[agents.debug]\ncommand = \"cat\"\ntimeout = \"soon\"\n");
  CHECK(has(e, ".factory.toml:3:11:"));
  CHECK(has(e, "bad duration \"soon\""));
  CHECK(has(e, "(key agents.debug.timeout)"));

  e = error_of("[agents.debug]\ncomand = \"cat\"\n");
  CHECK(has(e, ".factory.toml:2:1:"));
  CHECK(has(e, "unknown key 'comand'"));
  CHECK(has(e, "command, timeout"));

  e = error_of("[agents.review]\ncommand = \"cat\"\n");
  CHECK(has(e, "(key agents.review)"));

  e = error_of("[agents.debug]\ncommand = \"  \"\n");
  CHECK(has(e, "the command is empty"));

  e = error_of("[agents.debug]\ncommand = \"cat\"\ntimeout = \"0s\"\n");
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
  std::string e = error_of("\n[[extract.patterns]]\ntool = \"x\"\nregex = '^(?=look)ahead'\n");
  CHECK(has(e, ".factory.toml:4:9:"));
  CHECK(has(e, "bad regex"));
  CHECK(has(e, "(key extract.patterns[0].regex)"));
  CHECK(has(e, "RE2"));

  e = error_of("[[extract.patterns]]\ntool = \"x\"\nregex = '(a)\\1'\n");
  CHECK(has(e, "bad regex"));

  e = error_of(
      "[[extract.patterns]]\ntool = \"x\"\nregex = 'a'\n[[extract.patterns]]\ntool = "
      "\"y\"\nregx = 'b'\n");
  CHECK(has(e, ".factory.toml:6:1:"));
  CHECK(has(e, "unknown key 'regx'"));
  CHECK(has(e, "(key extract.patterns[1].regx)"));

  e = error_of("[[extract.patterns]]\nregex = 'a'\n");
  CHECK(has(e, "a pattern needs a tool name"));

  e = error_of("[[extract.patterns]]\ntool = \"x\"\nregex = '(?P<filename>.*)'\n");
  CHECK(has(e, "unknown group name 'filename'"));

  e = error_of("[[extract.patterns]]\ntool = \"x\"\nregex = 'a'\nkind = \"middle\"\n");
  CHECK(has(e, "unknown kind 'middle'"));
  CHECK(has(e, "(key extract.patterns[0].kind)"));

  e = error_of("[[extract.patterns]]\ntool = \"x\"\nregex = 'a'\nseverity = \"awful\"\n");
  CHECK(has(e, "unknown severity 'awful'"));

  e = error_of("[[extract.patterns]]\ntool = \"x\"\nregex = 'a'\npriority = \"high\"\n");
  CHECK(has(e, "(key extract.patterns[0].priority)"));

  e = error_of("[extract]\npatterns = \"^error\"\n");
  CHECK(has(e, "expected an array of tables, got a string"));
  CHECK(has(e, "(key extract.patterns)"));

  e = error_of("[extract]\npattern = []\n");
  CHECK(has(e, "unknown key 'pattern' in [extract]"));
}

TEST_CASE("an empty patterns array is no patterns") {
  CHECK(parse_project_config("[extract]\npatterns = []\n", "f").extract_patterns.empty());
}

TEST_CASE("the unknown-table hint lists the new tables") {
  std::string e = error_of("[agent]\ncommand = \"cat\"\n");
  CHECK(has(e, "[agents.debug]"));
  CHECK(has(e, "[[extract.patterns]]"));
}
