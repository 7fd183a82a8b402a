#include "rollout/probe.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"
#include "proc/posix_runner.hpp"
#include "unit/fakes/fake_runner.hpp"
#include "unit/test_http_support.hpp"

namespace fs = std::filesystem;
using factory::core::RollbackRule;
using factory::rollout::describe_rule;
using factory::rollout::judge;
using factory::rollout::ProbeReading;
using factory::rollout::SystemProber;
using namespace std::chrono_literals;

namespace {

RollbackRule threshold_rule(std::string probe, double above) {
  RollbackRule rule;
  rule.metric = "error_rate";
  rule.probe = std::move(probe);
  rule.above = above;
  return rule;
}

RollbackRule log_rule(std::string probe, std::string pattern) {
  RollbackRule rule;
  rule.probe = std::move(probe);
  rule.log_match = std::move(pattern);
  return rule;
}

ProbeReading number(double value) {
  ProbeReading reading;
  reading.ok = true;
  reading.value = value;
  reading.output = std::to_string(value);
  return reading;
}

ProbeReading failed(std::string error) {
  ProbeReading reading;
  reading.error = std::move(error);
  return reading;
}

// Answers every request with one result, for the ends FakeRunner cannot script.
struct FixedRunner : factory::core::ProcessRunner {
  factory::core::ProcessResult result;
  factory::core::ProcessResult run(const factory::core::ProcessRequest&) override { return result; }
};

}  // namespace

TEST_CASE("judge fires a threshold rule when the number crosses it") {
  RollbackRule rule = threshold_rule("probe", 0.10);
  auto verdict = judge(rule, number(0.31), 0);
  CHECK(verdict.fired);
  CHECK(verdict.reason == "error_rate 0.31 above 0.1");
  CHECK_FALSE(judge(rule, number(0.10), 0).fired);  // at the threshold is not above it
  CHECK_FALSE(judge(rule, number(0.02), 0).fired);

  RollbackRule low;
  low.metric = "requests_per_s";
  low.below = 5;
  CHECK(judge(low, number(1.5), 0).reason == "requests_per_s 1.5 below 5");
  CHECK_FALSE(judge(low, number(5), 0).fired);
}

TEST_CASE("judge fires a log rule on the first matching line") {
  RollbackRule rule = log_rule("tail -n 500 app.log", "panic|FATAL");
  ProbeReading reading;
  reading.ok = true;
  reading.output = "started\nserving on :8080\nFATAL: cannot open db\npanic: nil map\n";
  auto verdict = judge(rule, reading, 0);
  CHECK(verdict.fired);
  CHECK(verdict.reason == "log matched 'panic|FATAL': FATAL: cannot open db");

  reading.output = "started\nall quiet\n";
  CHECK_FALSE(judge(rule, reading, 0).fired);

  SUBCASE("the output of a failed probe is judged too") {
    ProbeReading crashed = failed("exited with 2");
    crashed.output = "panic: index out of range\n";
    CHECK(judge(rule, crashed, 1).reason == "log matched 'panic|FATAL': panic: index out of range");
  }
  SUBCASE("a very long matching line is cut") {
    reading.output = "panic: " + std::string(1000, 'x');
    auto long_line = judge(rule, reading, 0);
    CHECK(long_line.fired);
    CHECK(long_line.reason.size() < 300);
  }
}

TEST_CASE("judge fires after failure_limit probe errors in a row") {
  RollbackRule rule = threshold_rule("probe", 0.1);
  rule.failure_limit = 3;
  ProbeReading reading = failed("timed out after 10s");
  CHECK_FALSE(judge(rule, reading, 1).fired);
  CHECK_FALSE(judge(rule, reading, 2).fired);
  auto verdict = judge(rule, reading, 3);
  CHECK(verdict.fired);
  CHECK(verdict.reason == "probe failed 3 times in a row: timed out after 10s");

  rule.failure_limit = 1;
  CHECK(judge(rule, failed("HTTP 500"), 1).reason == "probe failed: HTTP 500");
  CHECK_FALSE(judge(rule, number(0.01), 0).fired);
}

TEST_CASE("judge reports a log pattern that cannot be used as a configuration error") {
  RollbackRule rule = log_rule("probe", "panic(");
  rule.line = 12;
  ProbeReading reading;
  reading.ok = true;
  reading.output = "panic";
  try {
    judge(rule, reading, 0);
    FAIL("no error");
  } catch (const factory::core::Error& e) {
    CHECK(e.code() == factory::core::ExitCode::usage);
    CHECK(std::string(e.what()).starts_with("deployment.yaml:12: log_match 'panic(' does not"));
  }
}

TEST_CASE("describe_rule says what fires the rule") {
  CHECK(describe_rule(threshold_rule("p", 0.1)) == "error_rate above 0.1");
  CHECK(describe_rule(log_rule("p", "panic|FATAL")) == "log matches /panic|FATAL/");
  RollbackRule both = threshold_rule("p", 0.1);
  both.below = 0.01;
  CHECK(describe_rule(both) == "error_rate above 0.1 or below 0.01");
}

TEST_CASE("SystemProber runs a command probe through the shell in the repository") {
  factory::test::FakeRunner runner;
  SystemProber prober(runner, "/repo");
  RollbackRule rule = threshold_rule("./metric error_rate", 0.1);
  rule.timeout = 7s;

  runner.replies["./metric error_rate"] = {0, "0.02\n"};
  auto reading = prober.read(rule);
  CHECK(reading.ok);
  REQUIRE(reading.value);
  CHECK(*reading.value == doctest::Approx(0.02));
  CHECK(reading.error.empty());
  REQUIRE(runner.requests.size() == 1);
  CHECK(runner.requests[0].argv ==
        std::vector<std::string>{"/bin/sh", "-c", "./metric error_rate"});
  CHECK(runner.requests[0].cwd == "/repo");
  CHECK(runner.requests[0].timeout == 7s);

  runner.replies["./metric error_rate"] = {0, "  -1.5e-3 \r\n"};
  CHECK(*prober.read(rule).value == doctest::Approx(-0.0015));
}

TEST_CASE("SystemProber says what is wrong with a threshold probe's output") {
  factory::test::FakeRunner runner;
  SystemProber prober(runner, "/repo");
  RollbackRule rule = threshold_rule("probe", 0.1);
  auto read_with = [&](std::string output) {
    runner.replies["probe"] = {0, std::move(output)};
    return prober.read(rule);
  };

  for (const char* garbage : {"abc", "1 2", "nan", "inf", "0x10", "0.5%"}) {
    CAPTURE(garbage);
    auto reading = read_with(garbage);
    CHECK_FALSE(reading.ok);
    CHECK_FALSE(reading.value);
    CHECK(reading.error == fmt::format("printed no number: '{}'", garbage));
  }
  CHECK(read_with("").error == "printed nothing");
  CHECK(read_with("\n").error == "printed nothing");
  CHECK(read_with("0.02\nsecond line\n").error == "printed no number: '0.02…'");
  CHECK(read_with(std::string(60, '7') + "x").error ==
        fmt::format("printed no number: '{}…'", std::string(40, '7')));
}

TEST_CASE("SystemProber keeps only the tail of a long output") {
  factory::test::FakeRunner runner;
  SystemProber prober(runner, "/repo");
  std::string output = "panic at start\n" + std::string(70 * 1024, 'y') + "\nlast line\n";
  runner.replies["probe"] = {0, output};

  auto threshold = prober.read(threshold_rule("probe", 0.1));
  CHECK_FALSE(threshold.ok);
  CHECK(threshold.output.size() <= 4096);
  CHECK(threshold.output.ends_with("last line\n"));

  auto log = prober.read(log_rule("probe", "panic"));
  CHECK(log.ok);
  CHECK(log.output.size() <= 64 * 1024);
  CHECK(log.output.size() > 4096);
}

TEST_CASE("SystemProber treats a probe that does not succeed as an error") {
  factory::test::FakeRunner runner;
  SystemProber prober(runner, "/repo");
  RollbackRule rule = threshold_rule("probe", 0.1);

  runner.replies["probe"] = {2, "curl: (7) Failed to connect\n"};
  auto exited = prober.read(rule);
  CHECK_FALSE(exited.ok);
  CHECK(exited.error == "exited with 2");
  CHECK(exited.output == "curl: (7) Failed to connect\n");

  runner.replies["probe"] = {0, "0.5\n", true};
  auto slow = prober.read(rule);
  CHECK_FALSE(slow.ok);
  CHECK_FALSE(slow.value);
  CHECK(slow.error == "timed out after 10s");

  FixedRunner broken;
  broken.result.spawn_failed = true;
  broken.result.exit_code = 127;
  broken.result.output = "cannot change to /gone: No such file or directory\n";
  auto unstarted = SystemProber(broken, "/gone").read(rule);
  CHECK_FALSE(unstarted.ok);
  CHECK(unstarted.error == "could not start: cannot change to /gone: No such file or directory");
}

TEST_CASE("SystemProber judges a log probe by its output, no number needed") {
  factory::test::FakeRunner runner;
  SystemProber prober(runner, "/repo");
  RollbackRule rule = log_rule("tail -n 500 app.log", "panic|FATAL");
  runner.replies["tail -n 500 app.log"] = {0, "GET / 200\npanic: boom\n"};
  auto reading = prober.read(rule);
  CHECK(reading.ok);
  CHECK_FALSE(reading.value);
  CHECK(judge(rule, reading, 0).reason == "log matched 'panic|FATAL': panic: boom");
}

TEST_CASE("SystemProber runs real commands") {
  factory::proc::PosixRunner runner;
  SystemProber prober(runner, fs::current_path());

  RollbackRule hang = threshold_rule("sleep 5", 0.1);
  hang.timeout = 300ms;
  auto slow = prober.read(hang);
  CHECK_FALSE(slow.ok);
  CHECK(slow.error == "timed out after 300ms");

  auto garbage = prober.read(threshold_rule("echo garbage", 0.1));
  CHECK_FALSE(garbage.ok);
  CHECK(garbage.error == "printed no number: 'garbage'");

  auto failing = prober.read(threshold_rule("echo 0.5; exit 3", 0.1));
  CHECK_FALSE(failing.ok);
  CHECK(failing.error == "exited with 3");

  auto good = prober.read(threshold_rule("printf '0.31\\n'", 0.1));
  CHECK(good.ok);
  CHECK(judge(threshold_rule("", 0.1), good, 0).reason == "error_rate 0.31 above 0.1");
}

TEST_CASE("SystemProber GETs an http:// probe from a real local server") {
  factory::test::HttpTempDir dir;
  std::ofstream(dir.path / "error_rate") << "0.25\n";
  factory::test::PythonServer server(factory::test::k_file_server_py, {dir.path.string()});
  factory::test::FakeRunner runner;  // must not be used
  SystemProber prober(runner, "/repo");

  auto reading = prober.read(threshold_rule(server.url("/error_rate"), 0.1));
  CHECK(reading.ok);
  REQUIRE(reading.value);
  CHECK(*reading.value == doctest::Approx(0.25));
  CHECK(judge(threshold_rule("", 0.1), reading, 0).reason == "error_rate 0.25 above 0.1");

  auto missing = prober.read(threshold_rule(server.url("/nothing"), 0.1));
  CHECK_FALSE(missing.ok);
  CHECK(missing.error == "HTTP 404");

  auto elsewhere = prober.read(threshold_rule("http://192.0.2.1/metrics", 0.1));
  CHECK_FALSE(elsewhere.ok);
  CHECK(elsewhere.error.starts_with("refusing to contact 192.0.2.1"));
  CHECK(runner.requests.empty());
}
