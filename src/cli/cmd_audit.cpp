#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "pipeline/task_context.hpp"
#include "report/audit_format.hpp"
#include "report/screen.hpp"

// `factory audit`: a task's history, and verify / export / report of the trail (docs/AUDIT.md).
namespace factory::cli {

namespace {

report::AuditEvent view_of(const store::EventRow& row) {
  return report::AuditEvent{row.seq,     row.ts,
                            row.task,    row.run_id,
                            row.actor,   row.action,
                            row.payload, row.prev_hash,
                            row.hash,    store::is_decision_event(row.action, row.payload)};
}

std::vector<report::AuditEvent> views_of(const std::vector<store::EventRow>& rows) {
  std::vector<report::AuditEvent> events;
  events.reserve(rows.size());
  for (const auto& row : rows) events.push_back(view_of(row));
  return events;
}

report::AuditChain chain_of(const store::AuditVerify& verified) {
  return report::AuditChain{
      verified.intact(), verified.intact() ? "" : std::string(chain_break_name(verified.kind)),
      verified.events,   verified.last_seq,
      verified.digest,   verified.broken_seq,
      verified.detail};
}

std::optional<int64_t> since_of(const std::string& text, int64_t now_ms) {
  if (text.empty()) return std::nullopt;
  if (auto since = report::parse_since(text, now_ms)) return since;
  throw Error(ExitCode::usage, fmt::format("--since '{}' is neither a duration nor a date", text),
              "give a duration back from now (90m, 2h, 3d, 1w) or an ISO date or time "
              "(2026-11-22, 2026-11-22T14:00, 2026-11-22T14:00Z)");
}

// The task row's status, or "deleted" for a task whose creation was rolled back: its events
// stay in the trail, so its history can still be shown.
std::string status_of(const pipeline::Repo& repo, const std::string& id, bool has_events) {
  if (auto task = repo.store->find_task(id)) return std::string(core::status_name(task->status));
  if (has_events) return "deleted";
  pipeline::require_task(repo, id);  // throws the usual "no task" error
  return "";
}

void show_task(Context& ctx, const std::string& given, bool json, const std::string& since_text) {
  auto repo = ctx.open_repo();
  const std::string id = pipeline::resolve_task_id(repo, given);
  const auto since = since_of(since_text, ctx.clock.now_ms());
  auto events = views_of(repo.store->events(id, since));
  // --since may leave nothing, which is not the same as a task with no events.
  const std::string status =
      status_of(repo, id, !events.empty() || !repo.store->events(id).empty());
  auto timeline = report::build_timeline(events);
  if (json) {
    fmt::print("{}\n", core::json_text(report::audit_json(id, status, since, events, timeline), 2));
    return;
  }
  auto lines = report::render_audit(id, status, timeline, ctx.clock.now_ms(), since,
                                    report::Style::for_stdout());
  for (const auto& line : lines) fmt::print("{}\n", line);
}

void verify(Context& ctx, bool json) {
  auto repo = ctx.open_repo();
  const auto chain = chain_of(repo.store->verify_chain());
  if (json) {
    nlohmann::ordered_json doc = {{"intact", chain.intact},     {"events", chain.events},
                                  {"last_seq", chain.last_seq}, {"digest", chain.digest},
                                  {"broken_seq", nullptr},      {"kind", nullptr},
                                  {"detail", nullptr}};
    if (!chain.intact) {
      doc["broken_seq"] = chain.broken_seq;
      doc["kind"] = chain.kind;
      doc["detail"] = chain.detail;
    }
    fmt::print("{}\n", core::json_text(doc, 2));
    if (!chain.intact) ctx.exit_code = static_cast<int>(ExitCode::failed);
    return;
  }
  if (chain.intact) {
    fmt::print("{}\n", report::verify_line(chain));
    return;
  }
  throw Error(ExitCode::failed, report::verify_line(chain),
              "state.db was changed outside factory: compare it with a backup, and keep a copy "
              "(factory audit export) before anything else writes to it");
}

// Writes the trail as it streams from the store, in 1 MB chunks: a million events never sit
// in memory at once.
void export_trail(Context& ctx, bool jsonl) {
  auto repo = ctx.open_repo();
  std::string buffer;
  auto flush = [&] {
    std::fwrite(buffer.data(), 1, buffer.size(), stdout);
    buffer.clear();
  };
  bool first = true;
  if (!jsonl) buffer += "[";
  repo.store->for_each_event([&](const store::EventRow& row) {
    if (!jsonl) buffer += first ? "\n" : ",\n";
    first = false;
    buffer += core::json_text(report::export_record(view_of(row)));
    if (jsonl) buffer += "\n";
    if (buffer.size() > (1u << 20)) flush();
  });
  if (!jsonl) buffer += first ? "]\n" : "\n]\n";
  flush();
  std::fflush(stdout);
}

void write_report(Context& ctx, const std::string& given) {
  auto repo = ctx.open_repo();
  auto task = pipeline::require_task(repo, pipeline::resolve_task_id(repo, given));
  report::AuditReportInput input;
  input.task = task.id;
  input.status = core::status_name(task.status);
  input.lang = task.lang;
  input.branch = task.branch;
  input.base_commit = task.base_commit;
  input.created_at = task.created_at;
  input.events = views_of(repo.store->events(task.id));
  for (const auto& r : repo.store->latest_results(task.id)) {
    input.stages.push_back(
        {r.stage, r.outcome, r.run_id, r.duration_ms, r.at, r.detail, r.findings});
  }
  input.chain = chain_of(repo.store->verify_chain());
  fmt::print("{}", report::render_audit_report(input));
}

}  // namespace

void add_audit(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("audit", "Show a task's audit trail; verify, export or report it");
  cmd->footer(
      "The trail is hash-chained (docs/AUDIT.md): 'verify' names the first row edited,\n"
      "deleted, moved or cut off.\nExamples:\n"
      "  factory audit batch-upload\n  factory audit batch-upload --since 2h\n"
      "  factory audit batch-upload --json | jq '.history[]'\n  factory audit verify\n"
      "  factory audit export --jsonl > trail.jsonl\n"
      "  factory audit report batch-upload > audit.md");
  auto task_arg = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto since = std::make_shared<std::string>();
  cmd->add_option("task", *task_arg, "Task id (inferred inside a task workspace)");
  cmd->add_flag("--json", *json, "Print one JSON document");
  cmd->add_option("--since", *since,
                  "Only events since: a duration back (90m, 2h, 3d, 1w) or an ISO date/time");

  // `audit calc export` or `audit --json verify` would otherwise do something else than asked:
  // the task and these options belong to `audit <task>` only.
  auto refuse_parent_args = [cmd](const std::string& sub) {
    for (const char* name : {"task", "--json", "--since"}) {
      if (cmd->count(name) == 0) continue;
      const bool task = std::string_view(name) == "task";
      throw Error(ExitCode::usage,
                  fmt::format("{} does not go with 'factory audit {}'",
                              task ? "a task id" : fmt::format("'{}' before '{}'", name, sub), sub),
                  sub == "report" && task ? "name the task after it: factory audit report <task>"
                  : task
                      ? fmt::format("'audit {}' covers the whole trail: factory audit {}", sub, sub)
                      : fmt::format("options of 'audit {}' go after it (see factory audit {} "
                                    "--help)",
                                    sub, sub));
    }
  };

  auto* verify_cmd =
      cmd->add_subcommand("verify", "Re-walk the hash chain from seq 1; exit 1 at the first break");
  auto verify_json = std::make_shared<bool>(false);
  verify_cmd->add_flag("--json", *verify_json, "Print one JSON document");
  verify_cmd->callback([&ctx, verify_json, refuse_parent_args] {
    refuse_parent_args("verify");
    verify(ctx, *verify_json);
  });

  auto* export_cmd = cmd->add_subcommand(
      "export", "Print the whole trail, every column, as a JSON array (or JSON lines)");
  auto jsonl = std::make_shared<bool>(false);
  export_cmd->add_flag("--jsonl", *jsonl, "One JSON object per line");
  export_cmd->callback([&ctx, jsonl, refuse_parent_args] {
    refuse_parent_args("export");
    export_trail(ctx, *jsonl);
  });

  auto* report_cmd =
      cmd->add_subcommand("report", "Print a one-page Markdown report of a task, for a PR");
  auto report_task = std::make_shared<std::string>();
  report_cmd->add_option("task", *report_task, "Task id (inferred inside a task workspace)");
  report_cmd->callback([&ctx, report_task, refuse_parent_args] {
    refuse_parent_args("report");
    write_report(ctx, *report_task);
  });

  cmd->callback([&ctx, cmd, task_arg, json, since] {
    if (!cmd->get_subcommands().empty()) return;  // verify, export or report ran
    if (cmd->count("--since") > 0 && since->empty()) {
      throw Error(ExitCode::usage, "--since is empty",
                  "give a duration back from now (2h) or an ISO date, or leave --since out");
    }
    show_task(ctx, *task_arg, *json, *since);
  });
}

}  // namespace factory::cli
