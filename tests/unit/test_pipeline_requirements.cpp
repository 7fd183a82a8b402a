#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "fakes/engine_fixture.hpp"
#include "pipeline/incident_apply.hpp"
#include "pipeline/requirements.hpp"

using namespace factory;
using core::Outcome;
using core::Stage;
using test::Fixture;

namespace {

const std::string k_test = "tests/test_pay.py::test_refund_twice";
const std::string k_single = "one 'tests/test_pay.py::test_refund_twice'";

// A fixture whose contract requires k_test from incident 1 (recorded on the task itself), with
// a template that runs one test as "one {test}" (exit 4 = missing).
struct RequirementFixture : Fixture {
  RequirementFixture() : Fixture(false) {
    store::IncidentRow incident;
    incident.task = "t1";
    incident.root_cause = "double refund";
    incident.test_id = k_test;
    incident.paths = {"src/pay/**"};
    incident.actor = "lewis";
    store.add_incident(incident);
    contract.requirements = {{1, k_test, {"src/pay/**"}, "double refund"}};
    template_override = [](lang::LanguageTemplate& t) {
      t.stages[Stage::unit_test].run_test = {"one {test}", {4}, "", ""};
    };
    vcs.work["src/pay/refund.py"] = "changed";
  }

  int caught() { return store.list_incidents().front().caught; }

  std::vector<std::string> caught_details() {
    std::vector<std::string> out;
    for (const auto& e : store.events("t1")) {
      if (e.action == "incident_caught") {
        out.push_back(nlohmann::json::parse(e.payload).value("detail", ""));
      }
    }
    return out;
  }
};

}  // namespace

TEST_CASE("a required test that is missing fails unit-test, reverts and is recorded as caught") {
  RequirementFixture f;
  f.runner.replies[k_single] = {4, "ERROR: not found: tests/test_pay.py::test_refund_twice\n"};
  auto summary = f.run({Stage::implement, Stage::unit_test});
  CHECK(summary.status == "failed");
  CHECK(summary.failed_stage == Stage::unit_test);
  const auto& report = f.observer.of(Stage::unit_test);
  CHECK(report.detail ==
        "required test tests/test_pay.py::test_refund_twice (incident 1: double refund) is "
        "missing");
  CHECK(report.hint.find("write the test") != std::string::npos);
  CHECK(report.exit_code == 4);
  CHECK(report.command == k_single);  // what to run to see it again
  CHECK(report.log_path.ends_with("unit-test-required-1.log"));
  CHECK(report.output_tail.find("ERROR: not found") != std::string::npos);
  REQUIRE(report.checks.size() == 1);
  CHECK_FALSE(report.checks[0].first);
  CHECK_FALSE(report.reverted.empty());  // TCR as for any red stage
  CHECK(f.vcs.work == f.vcs.head);
  // The unit tests ran first, then the one required test.
  auto commands = f.runner.commands();
  CHECK(commands[commands.size() - 2] == "run-unit-test");
  CHECK(commands.back() == k_single);
  CHECK(f.caught() == 1);
  CHECK(f.caught_details() == std::vector<std::string>{"missing"});
  CHECK(f.store.latest_results("t1").back().detail == report.detail);
}

TEST_CASE("a required test that passes keeps the stage green and says so") {
  RequirementFixture f;
  auto summary = f.run({Stage::implement, Stage::unit_test});
  CHECK(summary.status == "passed");
  const auto& report = f.observer.of(Stage::unit_test);
  CHECK(report.outcome == Outcome::passed);
  CHECK(report.detail == "1 required test passed");
  REQUIRE(report.checks.size() == 1);
  CHECK(report.checks[0].first);
  CHECK(report.checks[0].second.find("passed") != std::string::npos);
  CHECK(f.caught() == 0);
  // The test ran with the stage's environment, in the workspace.
  const auto& request = f.runner.requests.back();
  CHECK(request.cwd == "/ws/t1");
  CHECK(std::any_of(request.env.begin(), request.env.end(), [](const auto& kv) {
    return kv.first == "FACTORY_STAGE" && kv.second == "unit-test";
  }));
}

TEST_CASE("a red required test fails the stage as failed, not missing") {
  RequirementFixture f;
  f.runner.replies[k_single] = {1, "1 failed\n"};
  f.run({Stage::implement, Stage::unit_test});
  const auto& report = f.observer.of(Stage::unit_test);
  CHECK(report.outcome == Outcome::failed);
  CHECK(report.detail.ends_with("(incident 1: double refund) failed"));
  CHECK(report.hint.find("fix the code") != std::string::npos);
  CHECK(f.caught_details() == std::vector<std::string>{"failed"});
}

TEST_CASE("missing_output and ran_output tell a missing test from one that ran") {
  RequirementFixture f;
  f.template_override = [](lang::LanguageTemplate& t) {
    t.stages[Stage::unit_test].run_test = {"one {test}", {}, "No tests were found", "^=== RUN "};
  };
  SUBCASE("ran_output absent on a clean exit: missing") {
    f.runner.replies[k_single] = {0, "ok  \tpkg\t0.01s [no tests to run]\n"};
    f.run({Stage::unit_test});
    CHECK(f.observer.of(Stage::unit_test).detail.ends_with("is missing"));
  }
  SUBCASE("missing_output matched: missing") {
    f.runner.replies[k_single] = {0, "=== RUN x\nNo tests were found!!!\n"};
    f.run({Stage::unit_test});
    CHECK(f.observer.of(Stage::unit_test).detail.ends_with("is missing"));
  }
  SUBCASE("a broken build prints no RUN line: failed, not missing") {
    f.runner.replies[k_single] = {2, "build failed\n"};
    f.run({Stage::unit_test});
    CHECK(f.observer.of(Stage::unit_test).detail.ends_with("failed"));
  }
  SUBCASE("a RUN line in the output: passed") {
    f.runner.replies[k_single] = {0, "=== RUN   TestX\n--- PASS: TestX\n"};
    f.run({Stage::unit_test});
    CHECK(f.observer.of(Stage::unit_test).outcome == Outcome::passed);
  }
}

TEST_CASE("every red requirement is listed; the first explains the stage") {
  RequirementFixture f;
  f.contract.requirements.push_back({0, "tests/test_b.py", {}, ""});
  f.contract.requirements.push_back({0, "tests/test_c.py", {}, ""});
  f.runner.replies[k_single] = {4, ""};
  f.runner.replies["one 'tests/test_c.py'"] = {1, ""};
  f.run({Stage::unit_test});
  const auto& report = f.observer.of(Stage::unit_test);
  REQUIRE(report.checks.size() == 3);
  CHECK_FALSE(report.checks[0].first);
  CHECK(report.checks[1].first);
  CHECK(report.checks[2].second == "required test tests/test_c.py failed");
  CHECK(report.detail.ends_with("is missing (and 1 more)"));
  CHECK(f.caught() == 1);  // hand-written requirements count for no incident
}

TEST_CASE("no run_test in the template: the requirement fails with a hint, nothing is caught") {
  RequirementFixture f;
  f.template_override = nullptr;
  f.run({Stage::unit_test});
  const auto& report = f.observer.of(Stage::unit_test);
  CHECK(report.outcome == Outcome::failed);
  CHECK(report.detail.ends_with("cannot be run"));
  CHECK(report.hint.find("no run_test") != std::string::npos);
  CHECK(f.caught() == 0);
}

TEST_CASE("requirements are not run when the unit tests fail, and fail a skipped stage") {
  SUBCASE("red unit tests") {
    RequirementFixture f;
    f.runner.replies["run-unit-test"] = {1, "1 failed\n"};
    f.run({Stage::unit_test});
    CHECK(f.runner.commands().back() == "run-unit-test");
    CHECK(f.observer.of(Stage::unit_test).checks.empty());
    CHECK(f.caught() == 0);
  }
  SUBCASE("tool missing") {
    RequirementFixture f;
    auto with_runner = f.template_override;
    f.template_override = [with_runner](lang::LanguageTemplate& t) {
      with_runner(t);
      t.stages[Stage::unit_test].probe = "probe-pytest";
      t.stages[Stage::unit_test].tool = "pytest";
    };
    f.runner.replies["probe-pytest"] = {1, ""};
    auto summary = f.run({Stage::unit_test});
    CHECK(summary.status == "failed");
    const auto& report = f.observer.of(Stage::unit_test);
    CHECK(report.outcome == Outcome::failed);
    CHECK(report.detail == "1 required test not run: skipped (tool missing: pytest)");
  }
}

TEST_CASE("run_test_command puts the test id in as one quoted sh word, everywhere") {
  CHECK(pipeline::run_test_command("pytest {test}", "tests/a.py::b") == "pytest 'tests/a.py::b'");
  CHECK(pipeline::run_test_command("go test -run '^{test}$' ./...", "TestX") ==
        "go test -run '^'TestX'$' ./...");
  CHECK(pipeline::run_test_command("t {test} {test}", "it's $(rm -rf /)") ==
        "t 'it'\\''s $(rm -rf /)' 'it'\\''s $(rm -rf /)'");
}

TEST_CASE("apply_incidents adds the incidents a new task may touch, once each") {
  test::FixedClock clock;
  store::Store store(":memory:", clock);
  store::TaskRow origin;
  origin.id = "a";
  origin.lang = "python";
  store.create_task(origin, "lewis");
  auto add = [&](std::string test, std::vector<std::string> paths) {
    store::IncidentRow incident;
    incident.task = "a";
    incident.root_cause = "cause of " + test;
    incident.test_id = std::move(test);
    incident.paths = std::move(paths);
    incident.actor = "lewis";
    return store.add_incident(incident);
  };
  add("test_pay", {"src/pay/**"});
  add("test_web", {"src/web/**"});
  add("test_all", {});

  core::Contract pay;
  pay.boundaries.allowed_files = {"src/pay/**", "tests/**"};
  pay.requirements = {{3, "test_all", {}, "kept as written"}};
  auto applied = pipeline::apply_incidents(store, pay);
  REQUIRE(applied.size() == 2);
  CHECK(applied[0] == core::TestRequirement{1, "test_pay", {"src/pay/**"}, "cause of test_pay"});
  CHECK(applied[1].incident == 3);
  // The contract keeps its own entry for incident 3 and gains incident 1.
  REQUIRE(pay.requirements.size() == 2);
  CHECK(pay.requirements[0].reason == "kept as written");
  CHECK(pay.requirements[1].incident == 1);

  core::Contract docs;
  docs.boundaries.allowed_files = {"docs/**"};
  auto docs_applied = pipeline::apply_incidents(store, docs);
  REQUIRE(docs_applied.size() == 1);
  CHECK(docs_applied[0].test == "test_all");

  store::TaskRow b = origin;
  b.id = "b";
  store.create_task(b, "lewis");
  pipeline::record_applied(store, applied, "b", "lewis");
  auto incidents = store.list_incidents();
  CHECK(incidents[0].applied == 1);
  CHECK(incidents[1].applied == 0);
  CHECK(incidents[2].applied == 1);
}
