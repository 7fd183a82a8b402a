#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "fakes/engine_fixture.hpp"
#include "pipeline/coverage_gate.hpp"
#include "pipeline/readiness.hpp"

using namespace factory;
using core::Stage;
using core::StageState;
using test::FakeRunner;
using test::FakeVcs;
using test::FixedClock;

namespace {

namespace fs = std::filesystem;

// Keeps the readiness the engine reports.
class ReadinessObserver : public test::RecordingObserver {
 public:
  std::vector<core::Readiness> measured;
  std::vector<std::string> unmeasured;
  void readiness(const core::Readiness& r) override { measured.push_back(r); }
  void readiness_unmeasured(const std::string& why) override { unmeasured.push_back(why); }
};

// A task without TDD in a real temporary folder (manifests and new folders are read from disk)
// with a fake VCS mirroring it.
struct ReadyFixture {
  FakeVcs vcs;
  FakeRunner runner;
  FixedClock clock;
  store::Store store{":memory:", clock};
  ReadinessObserver observer;
  store::TaskRow task;
  core::Contract contract;
  fs::path ws;

  ReadyFixture() {
    ws =
        fs::temp_directory_path() / ("factory-readiness-" + std::to_string(std::random_device{}()));
    fs::create_directories(ws);
    task.id = "t1";
    task.lang = "sample";
    task.workspace = ws.string();
    task.branch = "factory/t1";
    task.base_commit = "base";
    task.backend = "fake";
    task.tdd = false;
    store.create_task(task, "tester");
    write("calc.py", "v1");
    write("tests/test_calc.py", "t1");
    vcs.head = vcs.base = vcs.work;
    runner.replies["run-coverage"] = {0, "TOTAL    91%\n"};
  }
  ~ReadyFixture() {
    std::error_code ec;
    fs::remove_all(ws, ec);
  }

  // Changes a file in the workspace and on disk.
  void write(const std::string& path, const std::string& text) {
    vcs.work[path] = text;
    fs::create_directories((ws / path).parent_path());
    std::ofstream(ws / path) << text;
  }

  pipeline::TaskSetup setup() {
    pipeline::TaskSetup s;
    s.task = *store.find_task("t1");
    s.tmpl = test::sample_template();
    s.logs_dir = ws.parent_path() / (ws.filename().string() + "-logs");
    s.cache_dir = s.logs_dir / "cache";
    s.contract = contract;
    return s;
  }

  pipeline::RunSummary run() {
    pipeline::Engine engine({vcs, runner, store, clock, observer}, setup());
    pipeline::RunOptions options;
    options.stages = core::stage_range(std::nullopt, std::nullopt);
    options.actor = "tester";
    return engine.run(options);
  }

  std::string tree() { return vcs.content_tree_id(ws); }

  core::Readiness measure() { return pipeline::measure_readiness(vcs, store, setup(), tree()); }
};

const core::StageStatus& stage(const core::Readiness& r, Stage s) {
  for (const auto& st : r.stages.stages) {
    if (st.stage == s) return st;
  }
  FAIL("no stage " << core::stage_name(s));
  throw;
}

}  // namespace

TEST_CASE("a run that ends ready_for_decision measures, stores and shows readiness") {
  ReadyFixture f;
  f.write("calc.py", "v2");
  auto summary = f.run();
  REQUIRE(summary.ready_for_decision);
  REQUIRE(f.observer.measured.size() == 1);
  const auto& r = f.observer.measured.front();
  CHECK(r.tree_id == f.tree());
  CHECK(r.lines.added == 1);
  CHECK(r.lines.removed == 1);
  CHECK(r.lines.files == 1);
  CHECK(r.lines.size == core::SizeClass::small);
  CHECK(r.dependencies.items.empty());
  CHECK(r.boundaries.files == 1);
  CHECK(r.boundaries.violations.empty());
  CHECK(r.stages.green() == 10);
  CHECK(stage(r, Stage::tdd_setup).state == StageState::skipped);
  CHECK(stage(r, Stage::tdd_setup).detail == "tdd disabled for this task");
  // The sample template's coverage stage prints a total only: no per-line measurement.
  CHECK(r.coverage.not_measured ==
        "the coverage stage wrote no per-line report (only its printed total)");
  CHECK(r.review_minutes == 5);
  auto stored = f.store.readiness_on_tree("t1", f.tree());
  REQUIRE(stored);
  CHECK(nlohmann::json::parse(*stored) == pipeline::readiness_to_json(r));
  CHECK(f.store.find_task("t1")->status == core::TaskStatus::ready_for_decision);
}

TEST_CASE("a run that fails measures nothing") {
  ReadyFixture f;
  f.write("calc.py", "v2");
  f.runner.replies["run-lint"] = {1, "bad format"};
  f.run();
  CHECK(f.observer.measured.empty());
  CHECK_FALSE(f.store.latest_readiness("t1"));
}

TEST_CASE("a dependency added to requirements.txt is a new dependency with its name") {
  ReadyFixture f;
  f.write("requirements.txt", "requests==2.31\n");
  auto r = f.measure();
  REQUIRE(r.dependencies.items.size() == 1);
  CHECK(r.dependencies.items.front().text() == "requirements.txt:1 requests");
  CHECK(r.risk.factors.front().name == "new-dependencies");
}

TEST_CASE("a version bump is no new dependency; a name the base did not declare is") {
  ReadyFixture f;
  f.write("requirements.txt", "requests==2.0\n");
  f.write("go.mod", "module m\n\ngo 1.22\n\nrequire github.com/a/b v1.0.0\n");
  f.write("web/package.json", "{\n  \"dependencies\": {\n    \"lodash\": \"^4.0.0\"\n  }\n}\n");
  f.write("CMakeLists.txt", "project(m)\nfind_package(fmt REQUIRED)\n");
  f.vcs.head = f.vcs.base = f.vcs.work;

  f.write("requirements.txt", "requests==2.31\n");
  f.write(
      "go.mod",
      "module m\n\ngo 1.22\n\nrequire (\n\tgithub.com/a/b v1.2.0\n\tgithub.com/c/d v0.1.0\n)\n");
  f.write("web/package.json", "{\n  \"dependencies\": {\n    \"lodash\": \"^4.17.21\"\n  }\n}\n");
  f.write("CMakeLists.txt", "project(m)\nfind_package(fmt 10 REQUIRED)\nfind_package(Threads)\n");
  auto r = f.measure();
  std::vector<std::string> found;
  for (const auto& d : r.dependencies.items) found.push_back(d.text());
  std::sort(found.begin(), found.end());
  CHECK(found == std::vector<std::string>{"CMakeLists.txt:3 Threads", "go.mod:7 github.com/c/d"});
}

TEST_CASE("new files: by folder, existing or new, test files apart") {
  ReadyFixture f;
  f.write("helper.py", "h");
  f.write("lib/util.py", "u");
  f.write("lib/more.py", "m");
  f.write("tests/test_util.py", "t");
  auto r = f.measure();
  CHECK(r.patterns.new_files ==
        std::vector<std::string>{"helper.py", "lib/more.py", "lib/util.py"});
  CHECK(r.patterns.groups == std::vector<core::NewFileGroup>{{".", 1, true}, {"lib", 2, false}});
  CHECK(r.patterns.new_test_files == 1);

  // A folder that already held a file the task did not add existed before.
  ReadyFixture g;
  g.write("lib/old.py", "o");
  g.vcs.head = g.vcs.base = g.vcs.work;
  g.write("lib/new.py", "n");
  CHECK(g.measure().patterns.groups == std::vector<core::NewFileGroup>{{"lib", 1, true}});
}

TEST_CASE("coverage, patch coverage and critical paths come from the stored measurement") {
  ReadyFixture f;
  f.contract.coverage.critical_paths = {"calc.py"};
  f.contract.coverage.min_percent = 40;
  f.write("calc.py", "v2");  // the fake diff: line 1 of calc.py changed
  coverage::Report report;
  report.files["calc.py"] = {"calc.py", {{1, 3}, {2, 0}}, {}};
  auto run = f.store.begin_run("t1", "coverage..coverage", "tester");
  f.store.put_coverage(run.id, "t1", f.tree(), pipeline::stored_measurement(report));
  auto r = f.measure();
  REQUIRE(r.coverage.is_measured());
  CHECK(r.coverage.percent == doctest::Approx(50.0));
  CHECK(r.coverage.threshold == 40);
  CHECK(r.patch.percent == doctest::Approx(100.0));
  CHECK(r.patch.threshold == 90);  // .factory.toml's default min_patch
  CHECK(r.critical.declared == 1);
  CHECK(r.critical.covered == 1);
  CHECK(r.critical.total == 1);
  CHECK(r.blocking_reasons().empty());

  // The changed line never ran: a gap that blocks approval, named by file and line.
  report.files["calc.py"].lines[1] = 0;
  f.store.put_coverage(run.id, "t1", f.tree(), pipeline::stored_measurement(report));
  r = f.measure();
  CHECK(r.patch.percent == doctest::Approx(0.0));
  CHECK(r.critical.gaps == std::vector<std::string>{"calc.py:1"});
  CHECK(r.blocking_reasons() == std::vector<std::string>{"critical path not covered: calc.py:1"});
}

TEST_CASE("without a measurement, coverage is not measured and says why") {
  ReadyFixture f;
  f.contract.coverage.critical_paths = {"calc.py"};
  auto r = f.measure();
  CHECK(r.coverage.not_measured == "the coverage stage has no green result on this tree");
  CHECK(r.patch.not_measured == r.coverage.not_measured);
  CHECK_FALSE(r.coverage.percent);
  // Declared critical paths that cannot be checked block approval.
  REQUIRE(r.blocking_reasons().size() == 1);
  CHECK(r.blocking_reasons().front().starts_with("the contract's critical paths could not be "));
}

TEST_CASE("a skipped stage says why, and a required one blocks") {
  ReadyFixture f;
  f.write("calc.py", "v2");
  f.runner.replies["probe-scanner"] = {1, ""};
  REQUIRE(f.run().ready_for_decision);
  f.contract.stages[Stage::security].required = true;  // e.g. the contract was edited since
  auto r = f.measure();
  CHECK(stage(r, Stage::security).state == StageState::skipped);
  CHECK(stage(r, Stage::security).detail == "tool missing: scanner");
  CHECK(stage(r, Stage::security).required);
  CHECK(r.blocking_reasons() ==
        std::vector<std::string>{"required stage security was skipped (tool missing: scanner)"});
}

TEST_CASE("a changed workspace has no green stage on its tree") {
  ReadyFixture f;
  f.write("calc.py", "v2");
  REQUIRE(f.run().ready_for_decision);
  f.write("calc.py", "v3");
  auto r = f.measure();
  CHECK(r.stages.green() == 1);  // only the tdd-setup skip of a task without TDD
  CHECK(stage(r, Stage::lint).state == StageState::not_green);
  CHECK(r.risk.factors[1] ==
        core::RiskFactor{"stages-not-green", 3,
                         "9 stages not green: implement, unit-test, coverage and 6 more"});
}

TEST_CASE("paths outside the contract are boundary violations that block") {
  ReadyFixture f;
  f.contract.boundaries.allowed_files = {"calc.py"};
  f.write("other.py", "x");
  auto r = f.measure();
  CHECK(r.boundaries.files == 1);
  REQUIRE(r.boundaries.violations.size() == 1);
  CHECK(r.boundaries.violations.front().path == "other.py");
  REQUIRE(r.blocking_reasons().size() == 1);
  CHECK(r.blocking_reasons().front().starts_with("other.py is outside the contract ("));
}

TEST_CASE("a diff that cannot be read leaves those metrics not measured, the rest measured") {
  struct BrokenVcs : FakeVcs {
    std::vector<vcs::FileChange> changes_since(const fs::path&, const std::string&) override {
      throw std::runtime_error("base commit not found");
    }
  };
  ReadyFixture f;
  BrokenVcs broken;
  broken.work = f.vcs.work;
  auto r = pipeline::measure_readiness(broken, f.store, f.setup(), f.tree());
  CHECK(r.lines.not_measured == "base commit not found");
  CHECK(r.patterns.not_measured == "base commit not found");
  CHECK(r.boundaries.not_measured == "base commit not found");
  CHECK(r.dependencies.is_measured());
  CHECK(r.stages.is_measured());
  CHECK_FALSE(r.review_minutes);
  CHECK(r.blocking_reasons() ==
        std::vector<std::string>{"the boundaries could not be re-checked: base commit not found"});
}

TEST_CASE("remeasure stores the current tree; latest_readiness reads it back") {
  ReadyFixture f;
  f.write("requirements.txt", "rich\n");
  auto r = pipeline::remeasure_readiness(f.vcs, f.store, f.setup());
  CHECK(r.tree_id == f.tree());
  auto latest = pipeline::latest_readiness(f.store, "t1");
  REQUIRE(latest);
  CHECK(pipeline::readiness_to_json(*latest) == pipeline::readiness_to_json(r));
}

TEST_CASE("readiness JSON round-trips, and a damaged document is refused") {
  ReadyFixture f;
  f.contract.boundaries.allowed_files = {"calc.py", "requirements.txt"};
  f.write("other.py", "x");
  f.write("requirements.txt", "rich\n");
  auto r = f.measure();
  auto j = pipeline::readiness_to_json(r);
  CHECK(j["new_dependencies"]["count"] == 1);
  CHECK(j["coverage"]["measured"] == false);
  CHECK(j["coverage"]["why"] == "the coverage stage has no green result on this tree");
  CHECK(j["risk"]["level"] == "HIGH");
  CHECK(j["blocking"].size() == 1);
  CHECK(pipeline::readiness_to_json(pipeline::readiness_from_json(j)) == j);
  j.erase("stages");
  CHECK_THROWS_WITH_AS(pipeline::readiness_from_json(j),
                       doctest::Contains("stored readiness metrics are damaged"),
                       std::runtime_error);
}
