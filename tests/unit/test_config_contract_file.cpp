#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/contract_file.hpp"
#include "core/error.hpp"
#include "unit/test_config_support.hpp"

namespace fs = std::filesystem;
using factory::core::AcceptanceCheck;
using factory::core::Contract;
using factory::core::Error;
using factory::core::ExitCode;
using factory::core::Stage;
using namespace factory::config;
using namespace std::chrono_literals;

namespace {

using testing::Problem;

// The usage Error that parsing `text` raises.
Problem problem_of(const std::string& text) {
  return testing::usage_problem([&] { parse_contract(text, "contract.yaml"); }, text);
}

const char* const k_sample = R"(task: batch-upload
description: |
  Upload many files at once.
  Second line: with a colon.
source: docs/spec.md
boundaries:
  allowed_files: ["src/**", "tests/**", "!src/generated/**"]
  forbidden_files: ["secrets/**"]
limits:
  max_lines_changed: 400
  new_dependencies: 0
tcr_behavior:
  lint:
    enabled: false
    reason: "formatter migration in progress"
    on_failure: { restore_to: last_green }
  tdd-setup:
    enabled: false
stages:
  unit-test: { command: "pytest -q", timeout: 5m, retries: 1, required: true }
  accept: { required: true }
acceptance:
  - name: hello file
    file_exists: hello.txt
  - name: greets
    file_matches: { path: hello.txt, pattern: "^hello, world$" }
  - name: cli prints
    command: "./hello"
    expect_exit: 0
    expect_stdout: "hello"
    timeout: 30s
approvers: [lewis, "ana@example.com"]
)";

}  // namespace

TEST_CASE("the documented sample parses into every field") {
  Contract c = parse_contract(k_sample, "contract.yaml");
  CHECK(c.task == "batch-upload");
  CHECK(c.description == "Upload many files at once.\nSecond line: with a colon.\n");
  CHECK(c.source == "docs/spec.md");
  CHECK(c.boundaries.allowed_files ==
        std::vector<std::string>{"src/**", "tests/**", "!src/generated/**"});
  CHECK(c.boundaries.forbidden_files == std::vector<std::string>{"secrets/**"});
  CHECK(c.limits.max_lines_changed == 400);
  CHECK(c.limits.new_dependencies == 0);
  REQUIRE(c.tcr_behavior.contains(Stage::lint));
  CHECK_FALSE(c.tcr_behavior[Stage::lint].enabled);
  CHECK(c.tcr_behavior[Stage::lint].reason == "formatter migration in progress");
  CHECK(c.tcr_behavior[Stage::lint].restore_to == "last_green");
  CHECK_FALSE(c.tcr_behavior[Stage::tdd_setup].enabled);
  REQUIRE(c.stages.contains(Stage::unit_test));
  CHECK(c.stages[Stage::unit_test].command == "pytest -q");
  CHECK(c.stages[Stage::unit_test].timeout == 5min);
  CHECK(c.stages[Stage::unit_test].retries == 1);
  CHECK(c.stages[Stage::unit_test].required);
  CHECK(c.stages[Stage::accept].required);
  CHECK_FALSE(c.stages[Stage::accept].command);
  REQUIRE(c.acceptance.size() == 3);
  CHECK(c.acceptance[0].kind == AcceptanceCheck::Kind::file_exists);
  CHECK(c.acceptance[0].path == "hello.txt");
  CHECK(c.acceptance[1].kind == AcceptanceCheck::Kind::file_matches);
  CHECK(c.acceptance[1].pattern == "^hello, world$");
  CHECK(c.acceptance[2].kind == AcceptanceCheck::Kind::command);
  CHECK(c.acceptance[2].command == "./hello");
  CHECK(c.acceptance[2].expect_stdout == "hello");
  CHECK(c.acceptance[2].timeout == 30s);
  CHECK(c.approvers == std::vector<std::string>{"lewis", "ana@example.com"});
}

TEST_CASE("missing sections take the defaults; an explicit empty allowed list stays empty") {
  Contract c = parse_contract("task: t\n", "contract.yaml");
  CHECK(c.boundaries.allowed_files == std::vector<std::string>{"**"});
  CHECK(c.boundaries.forbidden_files.empty());
  CHECK_FALSE(c.limits.max_lines_changed);
  CHECK(c.tcr_behavior.empty());
  CHECK(c.acceptance.empty());
  CHECK(parse_contract("task: t\nboundaries:\n", "c").boundaries.allowed_files ==
        std::vector<std::string>{"**"});
  CHECK(parse_contract("task: t\nboundaries: {allowed_files: []}\n", "c")
            .boundaries.allowed_files.empty());
  auto none = problem_of("task: t\nboundaries:\n  allowed_files:\n");
  CHECK(none.message.find("(key boundaries.allowed_files)") != std::string::npos);
  CHECK(none.hint.find("allowed_files: []") != std::string::npos);
}

TEST_CASE("every validation error names file:line:col and the key path") {
  struct Case {
    std::string text;
    std::string located;  // "contract.yaml:L:C: ..." prefix
    std::string key;      // "(key ...)" or "" for the root
    std::string what;     // part of the message
  };
  std::vector<Case> cases = {
      {"task: t\nboundaries:\n  allowed_files: [\"src/**\", \"a\", \"../x\"]\n", "3:34",
       "boundaries.allowed_files[2]", "bad glob '../x'"},
      {"task: t\nboundaries:\n  forbidden_files:\n    - \"a[b\"\n", "4:7",
       "boundaries.forbidden_files[0]", "never closed"},
      {"task: t\nboundaries:\n  alowed_files: [\"**\"]\n", "3:3", "boundaries.alowed_files",
       "unknown key 'alowed_files'"},
      {"task: t\nlimits: {max_lines_changed: -5}\n", "2:29", "limits.max_lines_changed",
       "must not be negative"},
      {"task: t\nlimits:\n  new_dependencies: lots\n", "3:21", "limits.new_dependencies",
       "expected a whole number"},
      {"task: t\nboundaries: [a]\n", "2:13", "boundaries", "expected a mapping"},
      {"task: t\nboundaries:\n  allowed_files: \"src/**\"\n", "3:18", "boundaries.allowed_files",
       "expected a list of globs"},
      {"task: t\nstages:\n  unit_test: {retries: 1}\n", "3:3", "stages.unit_test",
       "unknown stage 'unit_test'"},
      {"task: t\nstages:\n  lint: {timeout: soon}\n", "3:19", "stages.lint.timeout",
       "expected a positive duration"},
      {"task: t\nstages:\n  lint: {retries: 11}\n", "3:19", "stages.lint.retries", "from 0 to 10"},
      {"task: t\nstages:\n  lint: {required: yes please}\n", "3:20", "stages.lint.required",
       "expected true or false"},
      {"task: t\ntcr_behavior:\n  tdd-setup: {enabled: true}\n", "3:24",
       "tcr_behavior.tdd-setup.enabled", "cannot be switched on for tdd-setup"},
      {"task: t\ntcr_behavior:\n  accept:\n    enabled: true\n", "4:14",
       "tcr_behavior.accept.enabled", "cannot be switched on for accept"},
      {"task: t\ntcr_behavior:\n  lint: {on_failure: {restore_to: base}}\n", "3:35",
       "tcr_behavior.lint.on_failure.restore_to", "unknown restore point 'base'"},
      {"task: t\nacceptance:\n  - name: a\n    file_matches: {path: x, pattern: \"(oops\"}\n",
       "4:38", "acceptance[0].file_matches.pattern", "bad regular expression '(oops'"},
      {"task: t\nacceptance:\n  - name: a\n    command: x\n    expect_stdout: \"[z-a]\"\n", "5:20",
       "acceptance[0].expect_stdout", "bad regular expression"},
      {"task: t\nacceptance:\n  - name: a\n", "3:5", "acceptance[0]", "has no kind"},
      {"task: t\nacceptance:\n  - name: a\n    file_exists: x\n    command: y\n", "5:14",
       "acceptance[0].command", "two kinds, 'file_exists' and 'command'"},
      {"task: t\nacceptance:\n  - file_exists: x\n", "3:5", "acceptance[0].name",
       "missing key 'name'"},
      {"task: t\nacceptance:\n  - {name: a, file_exists: x}\n  - {name: a, command: y}\n", "4:12",
       "acceptance[1].name", "duplicate check name 'a' (first used on line 3)"},
      {"task: t\nacceptance:\n  - {name: a, file_exists: x, expect_exit: 1}\n", "3:44",
       "acceptance[0].expect_exit", "only applies to a command check"},
      {"task: t\nacceptance:\n  - {name: a, file_exists: ../etc/passwd}\n", "3:28",
       "acceptance[0].file_exists", "not inside the workspace"},
      {"task: t\nacceptance: {name: a}\n", "2:13", "acceptance", "expected a list of checks"},
      {"task: t\napprovers: [lewis, [x]]\n", "2:20", "approvers[1]", "expected a string"},
      {"task: Bad Id\n", "1:7", "task", "bad task id"},
      {"task: t\ntask: u\n", "2:1", "task", "duplicate key 'task'"},
      {"task: t\nlimts: {}\n", "2:1", "limts", "unknown key 'limts'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    Problem p = problem_of(c.text);
    CHECK(p.message.starts_with("contract.yaml:" + c.located + ": "));
    CHECK(p.message.find("(key " + c.key + ")") != std::string::npos);
    CHECK(p.message.find(c.what) != std::string::npos);
  }
}

TEST_CASE("hints point at the fix") {
  CHECK(problem_of("task: t\nlimts: {}\n").hint.starts_with("did you mean 'limits'?"));
  CHECK(problem_of("task: t\nstages: {lnt: {}}\n").hint.find("unit-test") != std::string::npos);
  CHECK(problem_of("task: t\ntcr_behavior: {tdd-setup: {enabled: true}}\n")
            .hint.find("passes on red") != std::string::npos);
  CHECK(problem_of("task: t\napprovers: [\"(\"]\nacceptance: [{name: a, command: x, "
                   "expect_stdout: \"(\"}]\n")
            .hint.find("PCRE2") != std::string::npos);
}

TEST_CASE("YAML syntax errors, empty files and extra documents") {
  Problem syntax = problem_of("task: t\nboundaries:\n  allowed_files: [\"src/**\"\n");
  CHECK(syntax.message.starts_with("contract.yaml:"));
  CHECK(syntax.hint.find("YAML syntax") != std::string::npos);
  Problem tab = problem_of("task: t\nboundaries:\n\tallowed_files: []\n");
  CHECK(tab.message.starts_with("contract.yaml:3:"));
  CHECK(problem_of("").message.find("the contract is empty") != std::string::npos);
  CHECK(problem_of("# only a comment\n").message.find("empty") != std::string::npos);
  CHECK(problem_of("task: t\n---\ntask: u\n").message.find("more than one") != std::string::npos);
  CHECK(problem_of("- a\n- b\n").message.find("expected a mapping") != std::string::npos);
}

TEST_CASE("render then parse gives back the same contract") {
  Contract sample = parse_contract(k_sample, "contract.yaml");
  CHECK(parse_contract(render_contract(sample), "rendered") == sample);

  Contract plain;
  plain.task = "t1";
  CHECK(parse_contract(render_contract(plain), "rendered") == plain);

  Contract odd;
  odd.task = "odd";
  odd.description = "  indented first line\n\ttab: and \"quotes\"\n";
  odd.source = "null";
  odd.boundaries.allowed_files = {};
  odd.boundaries.forbidden_files = {"- dash/**", "with space/*", "ünï/*.✓",     "#hash",
                                    "a: b",      "'single'",     "!negated/**", "true"};
  odd.limits.new_dependencies = 0;
  odd.tcr_behavior[Stage::accept].enabled = false;
  odd.tcr_behavior[Stage::review] = {true, "last_green", "line\nbreak"};
  odd.stages[Stage::static_analysis] = {"echo 'a: b' \"c\" # not a comment", 250ms, 0, false};
  odd.stages[Stage::security] = {std::nullopt, 2h, std::nullopt, true};
  AcceptanceCheck check;
  check.name = "-- name with: colon\nand newline";
  check.kind = AcceptanceCheck::Kind::command;
  check.command = "printf 'x\\n' | grep -q x";
  check.expect_exit = 3;
  check.expect_stdout = "^\\s*\"?ok\"?$";
  check.timeout = 90s;
  odd.acceptance = {check};
  odd.approvers = {"ana@example.com", "~", "Zoë"};
  for (std::string description :
       {"", "one line", "two\nlines\n", "ends twice\n\n", "\nleading newline\n", "ctl\x01\n",
        "trailing spaces   \n", "blank\n\nmiddle\n", "unicode ✓ – ü\n", "# not a comment\n",
        "- dash\n", "---\n", "CR\r\n"}) {
    odd.description = description;
    std::string text = render_contract(odd);
    CAPTURE(text);
    CHECK(parse_contract(text, "rendered") == odd);
  }
}

TEST_CASE("the rendered file shows every section; unset ones commented out, ready to add") {
  Contract c;
  c.task = "t";
  std::string text = render_contract(c);
  for (const char* line :
       {"\ntask: \"t\"\n", "\ndescription: ", "\nsource: ", "\nboundaries:\n",
        "\n  allowed_files:\n    - \"**\"\n", "\n  forbidden_files: []\n", "\n# limits:\n",
        "\n# tcr_behavior:\n", "\n# stages:\n", "\n# acceptance:\n", "\n# approvers: "}) {
    CAPTURE(line);
    CHECK(text.find(line) != std::string::npos);
  }
  CHECK(text.find("# Which files the task may change") != std::string::npos);
  // A person (or a script) can append a section the file does not set yet.
  Contract appended = parse_contract(text +
                                         "stages:\n  security:\n    required: true\n"
                                         "acceptance:\n  - {name: a, file_exists: x}\n"
                                         "limits: {max_lines_changed: 5}\n",
                                     "appended");
  CHECK(appended.stages[Stage::security].required);
  CHECK(appended.acceptance.size() == 1);
  CHECK(appended.limits.max_lines_changed == 5);
  // Once set, a section is real YAML, so writing it a second time is a duplicate key.
  c.limits.max_lines_changed = 400;
  CHECK(problem_of(render_contract(c) + "limits: {max_lines_changed: 5}\n")
            .message.find("duplicate key 'limits'") != std::string::npos);
}

TEST_CASE("contract_path and load_contract read the file from disk") {
  char tmpl[] = "/tmp/factory-contract-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  fs::path root(tmpl);
  fs::path file = contract_path(root, "hello");
  CHECK(file == root / ".factory" / "hello" / "contract.yaml");
  try {
    load_contract(file);
    FAIL("a missing contract must be an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK(std::string(e.what()).find(file.string()) != std::string::npos);
  }
  fs::create_directories(file.parent_path());
  std::ofstream(file) << k_sample;
  CHECK(load_contract(file).task == "batch-upload");
  std::ofstream(file) << "task: hello\nstages: {nope: {}}\n";
  try {
    load_contract(file);
    FAIL("an invalid contract must be an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).starts_with(file.string() + ":2:10: unknown stage 'nope'"));
  }
  fs::remove_all(root);
}
