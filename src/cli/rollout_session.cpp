#include "cli/rollout_session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/prompt.hpp"
#include "config/contract_file.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "pipeline/actor.hpp"
#include "pipeline/decision.hpp"
#include "proc/interrupt.hpp"
#include "report/style.hpp"

namespace factory::cli {

namespace {

// "early_adopters" as the start of a sentence: "Early adopters".
std::string capitalized(std::string text) {
  std::replace(text.begin(), text.end(), '_', ' ');
  if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 32);
  return text;
}

// "Canary at 1% for 5m00s: error_rate max 0.02, 0 log matches. Ready for 10%?"
std::string decision_question(const store::RolloutRow& row, const rollout::Plan& plan,
                              const std::string& metrics) {
  const auto& next = plan.steps.at(row.step + 1);
  if (row.step < 0) return fmt::format("Start the rollout at {}%?", next.percentage);
  const auto& step = plan.steps.at(row.step);
  return fmt::format("{} at {}% for {}: {}. Ready for {}%?", capitalized(step.name), row.percentage,
                     report::format_duration(step.duration.count()), metrics, next.percentage);
}

}  // namespace

std::unique_ptr<RolloutSession> open_rollout_session(Context& ctx) {
  auto session = std::make_unique<RolloutSession>(RolloutSession{ctx.open_repo(), {}, {}, {}, {}});
  session->actor = pipeline::current_actor(std::filesystem::current_path());
  session->prober = std::make_unique<rollout::SystemProber>(ctx.runner, session->repo.main_root());
  session->waiter = std::make_unique<rollout::SystemWaiter>(ctx.clock);
  session->env = std::make_unique<rollout::RolloutEnv>(rollout::RolloutEnv{
      *session->repo.store, *session->prober, ctx.clock, *session->waiter,
      config::flag_file_path(session->repo.main_root(), session->repo.config),
      session->actor.recorded(),
      [](const std::string& line) { fmt::print(stderr, "factory: {}\n", line); },
      [] { return proc::interrupt_requested(); }});
  return session;
}

rollout::Stop decide_next(RolloutSession& session, const std::string& task, bool yes) {
  auto& store = *session.repo.store;
  auto row = rollout::require_rollout(*session.repo.store, task);
  auto plan = rollout::plan_from_json(row.plan_json);
  if (row.state != "waiting_decision" || row.step + 1 >= static_cast<int>(plan.steps.size())) {
    throw core::Error(core::ExitCode::blocked,
                      fmt::format("the rollout of '{}' is not waiting for a decision (it is {})",
                                  task, row.state),
                      fmt::format("see where it is: factory rollout status {}", task));
  }
  const auto& next = plan.steps[row.step + 1];
  if (next.requires_approval) {
    auto contract = config::load_contract(config::contract_path(session.repo.main_root(), task));
    pipeline::require_approver(contract, session.actor, task);
  }
  std::string metrics = rollout::step_metrics(store, row, plan);
  std::string question = decision_question(row, plan, metrics);
  if (yes) {
    fmt::print(stderr, "factory: {} yes (--yes, by {})\n", question, session.actor.recorded());
  } else {
    if (!stdin_is_tty()) {
      throw core::Error(core::ExitCode::blocked,
                        fmt::format("the rollout of '{}' waits for a decision at {}%: nothing "
                                    "changed",
                                    task, row.percentage),
                        fmt::format("answer at a terminal: factory rollout advance {} (or pass "
                                    "--yes, recorded as non-interactive)",
                                    task));
    }
    if (!confirm(question)) {
      store.append_event(
          task, std::nullopt, session.actor.recorded(), "rollout_held",
          core::json_text(nlohmann::json{
              {"step", next.name}, {"percentage", row.percentage}, {"metrics", metrics}}));
      throw core::Error(core::ExitCode::blocked,
                        fmt::format("not advanced: flag {} stays at {}%", row.flag, row.percentage),
                        fmt::format("advance later with 'factory rollout advance {}', or turn it "
                                    "off with 'factory rollback {} --reason TEXT'",
                                    task, task));
    }
  }
  return rollout::advance(*session.env, task, !yes, metrics);
}

int follow_rollout(RolloutSession& session, const std::string& task, rollout::Stop stop) {
  while (stop == rollout::Stop::waiting_decision && stdin_is_tty()) {
    stop = decide_next(session, task, false);
  }
  auto row = rollout::require_rollout(*session.repo.store, task);
  switch (stop) {
    case rollout::Stop::waiting_decision:
      fmt::print("{}: flag {} at {}%, waiting for a decision: factory rollout advance {}\n", task,
                 row.flag, row.percentage, task);
      return 0;
    case rollout::Stop::waiting_manual:
      fmt::print(
          "{}: flag {} at {}% (manual): set the next percentage with factory rollout set "
          "{} N\n",
          task, row.flag, row.percentage, task);
      return 0;
    case rollout::Stop::complete:
      fmt::print(
          "{}: monitoring complete, flag {} stays at {}%; remove it when you decide: "
          "factory flag cleanup {}\n",
          task, row.flag, row.percentage, task);
      return 0;
    case rollout::Stop::rolled_back:
      fmt::print("{}: rolled back, flag {} at 0%: {}\n", task, row.flag, row.note);
      return static_cast<int>(core::ExitCode::failed);
    case rollout::Stop::interrupted:
      throw core::Error(core::ExitCode::interrupted,
                        fmt::format("interrupted: flag {} stays at {}%, the rollout is paused",
                                    row.flag, row.percentage),
                        fmt::format("continue it with: factory rollout resume {}", task));
  }
  return 0;
}

}  // namespace factory::cli
