#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "fakes/engine_fixture.hpp"

using namespace factory;
using core::Outcome;
using core::Stage;
using test::Fixture;

namespace {

// The engine's log folder for these fixtures, emptied before and after each test so no log
// outlives it.
struct LogDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() / "factory-engine-test";
  LogDir() { std::filesystem::remove_all(path); }
  ~LogDir() { std::filesystem::remove_all(path); }
};

// The fake runner writes no log: the scripted output is put ahead of the run at the path the
// engine will read, as the real runner would have left it.
void prewrite_log(Stage stage, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / "factory-engine-test" / "run-1";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / (std::string(core::stage_name(stage)) + ".log")) << text;
}

constexpr const char* k_gcc_error =
    "[ 50%] Building CXX object calc.o\n"
    "/ws/t1/src/calc.cpp:7:36: error: 'c' was not declared in this scope\n"
    "    7 | int sub(int a, int b) { return a - c; }\n"
    "make: *** [Makefile:2: all] Error 1\n";

}  // namespace

TEST_CASE("a red stage carries the findings of its log, and they are stored with its result") {
  LogDir logs;
  Fixture f(false);
  f.runner.replies["run-implement"] = {2, k_gcc_error};
  prewrite_log(Stage::implement, k_gcc_error);
  auto summary = f.run(f.after_tdd());
  CHECK(summary.status == "failed");

  const auto& report = f.observer.of(Stage::implement);
  REQUIRE(report.extraction);
  REQUIRE_FALSE(report.extraction->findings.empty());
  CHECK(report.extraction->findings.front().file == "/ws/t1/src/calc.cpp");
  CHECK(report.extraction->findings.front().line == 7);

  auto rows = f.store.latest_results("t1");
  REQUIRE(rows.size() == 1);
  REQUIRE_FALSE(rows[0].findings.empty());
  CHECK(rows[0].findings.front().line == 7);
}

TEST_CASE("a red stage whose log cannot be read still fails normally, with no extraction") {
  LogDir logs;
  Fixture f(false);
  f.runner.replies["run-unit-test"] = {1, "1 failed\n"};
  auto summary = f.run(f.after_tdd());
  CHECK(summary.status == "failed");
  CHECK(summary.failed_stage == Stage::unit_test);
  const auto& report = f.observer.of(Stage::unit_test);
  CHECK_FALSE(report.extraction);
  CHECK(report.output_tail == "1 failed");
  CHECK(f.store.latest_results("t1").back().findings.empty());
}

TEST_CASE("green stages, a confirmed red tdd-setup and an interrupted stage are not extracted") {
  LogDir logs;
  Fixture f;
  f.vcs.work["tests/test_calc.py"] = "t2";
  f.runner.replies["run-tdd-setup"] = {1, "tests/test_calc.py:3: AssertionError\n1 failed\n"};
  f.runner.replies["run-unit-test"] = {130, "", false, true};
  prewrite_log(Stage::tdd_setup, "tests/test_calc.py:3: AssertionError\n1 failed\n");
  prewrite_log(Stage::unit_test, "error: stopped\n");
  auto summary = f.run(core::stage_range(std::nullopt, Stage::unit_test));
  CHECK(summary.status == "interrupted");
  CHECK(f.observer.of(Stage::tdd_setup).outcome == Outcome::passed);
  CHECK_FALSE(f.observer.of(Stage::tdd_setup).extraction);
  CHECK_FALSE(f.observer.of(Stage::implement).extraction);
  CHECK(f.observer.of(Stage::unit_test).outcome == Outcome::interrupted);
  CHECK_FALSE(f.observer.of(Stage::unit_test).extraction);
  for (const auto& row : f.store.latest_results("t1")) CHECK(row.findings.empty());
}
