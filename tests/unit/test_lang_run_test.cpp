#include <doctest/doctest.h>

#include <string>

#include "core/error.hpp"
#include "lang/language_template.hpp"
#include "test_error_support.hpp"

using factory::core::Error;
using factory::core::ExitCode;
using factory::core::Stage;
using namespace factory::lang;

namespace {

// A valid template whose unit-test stage is the text given (indented under `stages:`).
std::string with_unit_test(const std::string& unit_test, const std::string& lint = "") {
  return "name: demo\n"
         "stages:\n"
         "  tdd-setup: {command: t, red_exit: [1], red_output: 'failed'}\n"
         "  implement: {command: b}\n" +
         unit_test + "  coverage: {command: c}\n" +
         (lint.empty() ? std::string("  lint: {command: l}\n") : lint) +
         "  static: {command: ''}\n"
         "  integration: {command: ''}\n"
         "  security: {command: ''}\n"
         "  review: {builtin: review}\n"
         "  accept: {command: a}\n";
}

std::string error_of(const std::string& yaml) {
  return factory::testing::usage_error_of([&] { parse_template(yaml, "my.yaml"); });
}

}  // namespace

TEST_CASE("run_test: command, missing exit codes and the two output patterns are read") {
  auto t = parse_template(with_unit_test("  unit-test:\n"
                                         "    command: t\n"
                                         "    run_test:\n"
                                         "      command: t --only {test}\n"
                                         "      missing_exit: [4, 5]\n"
                                         "      missing_output: 'no tests to run'\n"
                                         "      ran_output: '^=== RUN '\n"),
                          "demo.yaml");
  const auto& run = t.stages.at(Stage::unit_test).run_test;
  CHECK(run.command == "t --only {test}");
  CHECK(run.missing_exit == std::vector<int>{4, 5});
  CHECK(run.missing_output == "no tests to run");
  CHECK(run.ran_output == "^=== RUN ");
  // Optional: without it a required test cannot be run (and fails the stage, said so).
  auto plain = parse_template(with_unit_test("  unit-test: {command: t}\n"), "demo.yaml");
  CHECK(plain.stages.at(Stage::unit_test).run_test.command.empty());
}

TEST_CASE("run_test: errors name the key and the fix") {
  std::string no_placeholder =
      error_of(with_unit_test("  unit-test:\n    command: t\n    run_test: {command: t -k}\n"));
  CHECK(no_placeholder.find("my.yaml:7:25: the command has no {test} "
                            "(key stages.unit-test.run_test.command)") != std::string::npos);
  CHECK(error_of(with_unit_test("  unit-test: {command: t, run_test: {missing_exit: [4]}}\n"))
            .find("missing key 'command' (key stages.unit-test.run_test)") != std::string::npos);
  CHECK(error_of(with_unit_test("  unit-test: {command: t, run_test: {command: '{test}', "
                                "missing_exit: [256]}}\n"))
            .find("stages.unit-test.run_test.missing_exit[0]") != std::string::npos);
  CHECK(error_of(with_unit_test("  unit-test: {command: t, run_test: {command: '{test}', "
                                "ran_output: '(open'}}\n"))
            .find("(key stages.unit-test.run_test.ran_output)") != std::string::npos);
  CHECK(error_of(with_unit_test("  unit-test: {command: t, run_test: {command: '{test}', "
                                "only: x}}\n"))
            .find("unknown key 'only'") != std::string::npos);
  CHECK(error_of(with_unit_test("  unit-test: {command: t}\n",
                                "  lint: {command: l, run_test: {command: '{test}'}}\n"))
            .find("run_test only applies to unit-test (key stages.lint.run_test)") !=
        std::string::npos);
}

TEST_CASE("the shipped templates say how to run one test where their runner can") {
  for (const char* name : {"python", "go", "rust", "cmake"}) {
    CAPTURE(name);
    const auto& run = template_for(name).stages.at(Stage::unit_test).run_test;
    CHECK(run.command.find("{test}") != std::string::npos);
    // Each has some way to tell a missing test from a failing one.
    CHECK((!run.missing_exit.empty() || !run.missing_output.empty() || !run.ran_output.empty()));
  }
  CHECK(template_for("python").stages.at(Stage::unit_test).run_test.missing_exit ==
        std::vector<int>{4, 5});
}
