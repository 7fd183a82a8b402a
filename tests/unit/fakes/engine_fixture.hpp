#pragma once

// The engine under test with fake VCS, runner and clock, and a recording observer.

#include <doctest/doctest.h>

#include <filesystem>
#include <functional>

#include "core/error.hpp"
#include "fake_runner.hpp"
#include "fake_vcs.hpp"
#include "pipeline/engine.hpp"

namespace factory::test {

using core::Outcome;
using core::Stage;
using pipeline::StageNote;

class FixedClock : public core::Clock {
 public:
  int64_t now_ms() const override { return m_now += 10; }

 private:
  mutable int64_t m_now = 1'700'000'000'000;
};

class RecordingObserver : public pipeline::Observer {
 public:
  std::vector<pipeline::StageReport> reports;
  std::vector<std::string> commits;
  std::vector<std::string> notes;
  void stage_started(Stage, const std::string&) override {}
  void stage_finished(const pipeline::StageReport& r) override { reports.push_back(r); }
  void committed(const std::string&, const std::string& subject) override {
    commits.push_back(subject);
  }
  void note(const std::string& line) override { notes.push_back(line); }

  const pipeline::StageReport& of(Stage s) const {
    for (const auto& r : reports) {
      if (r.stage == s) return r;
    }
    FAIL("no report for stage " << core::stage_name(s));
    throw;
  }
};

inline lang::LanguageTemplate sample_template() {
  lang::LanguageTemplate t;
  t.name = "sample";
  t.display = "Sample";
  t.test_globs = {"tests/**", "test_*.py"};
  for (Stage s : core::all_stages()) {
    lang::StageSpec spec;
    spec.stage = s;
    spec.command = std::string("run-") + std::string(core::stage_name(s));
    t.stages[s] = spec;
  }
  t.stages[Stage::tdd_setup].red_exit = {1};
  t.stages[Stage::tdd_setup].red_output = R"(\d+ failed)";
  t.stages[Stage::review].command.clear();
  t.stages[Stage::review].builtin = "review";
  t.stages[Stage::coverage].coverage_pattern = R"(TOTAL\s+(\d+)%)";
  t.stages[Stage::security].probe = "probe-scanner";
  t.stages[Stage::security].tool = "scanner";
  t.stages[Stage::security].install_hint = "apt-get install scanner";
  return t;
}

struct Fixture {
  test::FakeVcs vcs;
  test::FakeRunner runner;
  FixedClock clock;
  store::Store store{":memory:", clock};
  RecordingObserver observer;
  store::TaskRow task;
  core::Contract contract;  // everything allowed, TCR defaults
  std::function<void(lang::LanguageTemplate&)> template_override;

  Fixture(bool tdd = true) {
    task.id = "t1";
    task.lang = "sample";
    task.workspace = "/ws/t1";
    task.branch = "factory/t1";
    task.base_commit = "base";
    task.backend = "fake";
    task.tdd = tdd;
    store.create_task(task, "tester");
    vcs.head = vcs.base = {{"calc.py", "v1"}, {"tests/test_calc.py", "t1"}};
    vcs.work = vcs.head;
    runner.replies["run-coverage"] = {0, "TOTAL    91%\n"};
  }

  pipeline::RunSummary run(std::vector<Stage> stages, bool resume = false) {
    pipeline::TaskSetup setup;
    setup.task = *store.find_task("t1");
    setup.tmpl = sample_template();
    if (template_override) template_override(setup.tmpl);
    setup.logs_dir = std::filesystem::temp_directory_path() / "factory-engine-test";
    setup.cache_dir = setup.logs_dir / "cache";
    setup.contract = contract;
    pipeline::Engine engine({vcs, runner, store, clock, observer}, setup);
    pipeline::RunOptions options;
    options.stages = std::move(stages);
    options.resume = resume;
    options.actor = "tester";
    return engine.run(options);
  }

  std::vector<Stage> after_tdd() { return core::stage_range(Stage::implement, std::nullopt); }
};

}  // namespace factory::test
