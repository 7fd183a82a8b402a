#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/stage_pick.hpp"
#include "config/contract_file.hpp"
#include "config/text_file.hpp"
#include "core/error.hpp"
#include "extract/extractor.hpp"
#include "report/findings_format.hpp"
#include "report/root_cause.hpp"
#include "report/style.hpp"

namespace factory::cli {

namespace {

namespace fs = std::filesystem;

constexpr size_t k_prompt_findings = 10;        // the rest are counted, not shown
constexpr size_t k_section_bytes = 100 * 1024;  // per diff section: enough to read, not a flood
constexpr size_t k_answer_tail = 1024 * 1024;   // kept when the answer cannot be streamed

// The text, cut at `limit` bytes with a note saying where the rest is.
std::string capped(std::string text, size_t limit, std::string_view where) {
  if (text.size() <= limit) return text;
  size_t dropped = text.size() - limit;
  text.resize(limit);
  return fmt::format("{}\n... ({} more bytes in {})\n", text, dropped, where);
}

std::string fenced(std::string_view text, std::string_view lang = "") {
  std::string body(text);
  if (!body.empty() && body.back() != '\n') body += '\n';
  return fmt::format("```{}\n{}```\n", lang, body);
}

// The patch the engine saved when this run's red stage reverted the change, if it did.
std::optional<fs::path> reverted_patch(const pipeline::Repo& repo,
                                       const store::StageResultRow& red) {
  std::string prefix = fmt::format("refs/factory/reverted/{}/", red.task);
  for (const auto& event : repo.store->events(red.task)) {
    if (event.action != "reverted" || event.run_id != red.run_id) continue;
    auto payload = nlohmann::json::parse(event.payload, nullptr, false);
    if (!payload.is_object() || payload.value("stage", "") != core::stage_name(red.stage)) continue;
    std::string ref = payload.value("ref", "");
    if (!ref.starts_with(prefix)) continue;
    return repo.factory_dir() / "logs" / red.task /
           fmt::format("reverted-{}.patch", ref.substr(prefix.size()));
  }
  return std::nullopt;
}

// What the workspace holds beyond HEAD (the last green commit): files, then the added lines.
std::string uncommitted(pipeline::Repo& repo, const fs::path& ws) {
  auto changes = repo.vcs->changes(ws);
  if (changes.empty()) return "";
  std::string out;
  // Past the section's size the rest would only be cut off by `capped`.
  for (const auto& c : changes) {
    if (out.size() > k_section_bytes) return out;
    out += c.added_lines < 0
               ? fmt::format("{} {} (binary)\n", c.kind, c.path)
               : fmt::format("{} {}  +{} -{}\n", c.kind, c.path, c.added_lines, c.removed_lines);
  }
  for (const auto& file : repo.vcs->added_lines_since(ws, repo.vcs->head_commit(ws))) {
    if (file.lines.empty()) continue;
    out += fmt::format("\n+++ {} (added lines, with their line numbers)\n", file.path);
    for (const auto& [number, text] : file.lines) {
      if (out.size() > k_section_bytes) return out;
      out += fmt::format("{:>5} + {}\n", number, text);
    }
  }
  return out;
}

std::string diff_section(pipeline::Repo& repo, const store::StageResultRow& red,
                         const store::TaskRow& task) {
  std::string out = "## The change under test (since the last green commit)\n\n";
  bool any = false;
  if (auto patch = reverted_patch(repo, red)) {
    if (auto text = config::try_read_text_file(*patch)) {
      out += fmt::format(
          "The change that made {} red, reverted by factory and saved as {} "
          "(`factory unrevert {}` brings it back):\n\n",
          core::stage_name(red.stage), patch->string(), task.id);
      out += fenced(capped(*text, k_section_bytes, patch->string()), "diff");
      any = true;
    }
  }
  std::error_code ec;
  if (fs::is_directory(task.workspace, ec)) {
    std::string now = uncommitted(repo, task.workspace);
    if (!now.empty()) {
      out += fmt::format("\nUncommitted in the workspace {} now:\n\n", task.workspace);
      out += fenced(capped(now, k_section_bytes, task.workspace));
      any = true;
    }
  }
  if (!any) out += "No change beyond the last green commit (HEAD of the task branch).\n";
  return out;
}

std::string findings_section(const extract::Extraction& extraction, const fs::path& ws) {
  std::string out = "## What the log says (most relevant first)\n\n";
  if (extraction.findings.empty()) {
    out += "No error recognised. The log's last lines:\n\n";
    std::string tail;
    for (const auto& line : extraction.last_lines) tail += line + "\n";
    return out + fenced(tail);
  }
  size_t shown = std::min(extraction.findings.size(), k_prompt_findings);
  for (size_t i = 0; i < shown; ++i) {
    const auto& f = extraction.findings[i];
    std::string where = report::location(f, ws);
    out += fmt::format("{}. {}{} ({} {})\n", i + 1, where.empty() ? "" : where + ": ",
                       report::headline(f), f.tool, extract::severity_name(f.severity));
    if (f.message.find('\n') != std::string::npos) out += fenced(f.message);
    if (!f.context.empty()) {
      std::string context;
      for (const auto& line : f.context) context += line + "\n";
      out += fmt::format("   Log lines around it (log line {}):\n", f.log_line);
      out += fenced(context);
    }
    out += "\n";
  }
  if (extraction.findings.size() > shown) {
    out += fmt::format("... and {} more findings (see the full log).\n\n",
                       extraction.findings.size() - shown);
  }
  if (!extraction.summary.empty()) out += fmt::format("Summary: {}\n", extraction.summary);
  return out;
}

std::string build_prompt(pipeline::Repo& repo, const store::TaskRow& task,
                         const store::StageResultRow& red, const fs::path& log) {
  extract::Options options;
  options.root = task.workspace;
  options.user_patterns = repo.config.extract_patterns;
  auto extraction = extract::extract_file(log, options);
  std::string stage(core::stage_name(red.stage));
  std::string prompt = fmt::format(
      "# Why is stage {} of task {} red?\n\n"
      "You are the debug agent of `factory`, which runs a task's gate pipeline in its own git "
      "workspace ({}). Find the root cause of the failure below, name the file:line to change, "
      "and propose the smallest fix as a unified diff. Stay inside the task's contract (the "
      "files it may change are listed at the end). Do not weaken tests to make them pass.\n\n"
      "## The failure\n\n- stage: {} ({})\n- exit code: {}\n- detail: {}\n- full log: {}\n\n",
      stage, task.id, task.workspace, stage, run_label(red).empty() ? "latest" : run_label(red),
      red.exit_code, red.detail.empty() ? "-" : red.detail, log.string());
  prompt += findings_section(extraction, task.workspace) + "\n";
  prompt += diff_section(repo, red, task) + "\n";
  fs::path contract = config::contract_path(repo.main_root(), task.id);
  prompt += fmt::format("## The task's contract ({})\n\n", contract.string());
  if (auto text = config::try_read_text_file(contract)) {
    prompt += fenced(capped(*text, k_section_bytes, contract.string()), "yaml");
  } else {
    prompt += "(no contract file)\n";
  }
  return prompt;
}

// Whether the agent's output can go straight to our stdout (a terminal or a pipe): a regular
// file must not be reopened, which would truncate it.
bool stdout_streams() {
  struct stat st {};
  return fstat(STDOUT_FILENO, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode));
}

void write_file(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) {
    throw Error(ExitCode::failed, fmt::format("cannot write the prompt to {}", file.string()),
                "check that .factory/logs is writable");
  }
}

int ask_agent(Context& ctx, const pipeline::Repo& repo, const store::TaskRow& task,
              const store::StageResultRow& red, const fs::path& prompt_file) {
  const auto& command = repo.config.debug_agent_command;
  std::error_code ec;
  fs::path cwd = fs::is_directory(task.workspace, ec) ? fs::path(task.workspace) : repo.main_root();
  // The prompt reaches the agent's stdin through the shell: the runner gives children
  // /dev/null, and the command itself still runs through /bin/sh -c as written.
  auto request = core::shell_request(
      "exec /bin/sh -c \"$FACTORY_AGENT_COMMAND\" < \"$FACTORY_PROMPT_FILE\"", cwd);
  request.env = {{"FACTORY_AGENT_COMMAND", command},
                 {"FACTORY_PROMPT_FILE", prompt_file.string()},
                 {"FACTORY_TASK", task.id},
                 {"FACTORY_STAGE", std::string(core::stage_name(red.stage))},
                 {"FACTORY_WORKSPACE", task.workspace}};
  request.timeout = repo.config.debug_agent_timeout;
  bool stream = stdout_streams();
  request.log_path = stream ? fs::path("/dev/stdout") : fs::path();
  request.tail_bytes = stream ? 4096 : k_answer_tail;
  std::string limit = report::format_duration(repo.config.debug_agent_timeout.count());
  fmt::print(stderr, "factory: asking the debug agent ({}, timeout {}); prompt in {}\n", command,
             limit, prompt_file.string());
  std::fflush(stdout);
  auto result = ctx.runner.run(request);
  if (!stream) fmt::print("{}", result.output);
  if (result.interrupted) return static_cast<int>(ExitCode::interrupted);
  if (result.timed_out) {
    throw Error(ExitCode::failed, fmt::format("the debug agent timed out after {}", limit),
                "raise [agents.debug] timeout in .factory.toml");
  }
  if (result.exit_code != 0) {
    throw Error(ExitCode::failed,
                fmt::format("the debug agent exited with {}{}", result.exit_code,
                            result.exit_code == 127 ? " (command not found?)" : ""),
                fmt::format("check [agents.debug] command in .factory.toml; the prompt is in {}",
                            prompt_file.string()));
  }
  return 0;
}

int run_explain(Context& ctx, const std::vector<std::string>& words) {
  auto repo = ctx.open_repo();
  auto which = task_and_stage(repo, words);
  auto task = pipeline::require_task(repo, which.task);
  auto red = red_result(repo, which);
  fs::path log = stage_log(repo, red);
  std::string prompt = build_prompt(repo, task, red, log);
  if (repo.config.debug_agent_command.empty()) {
    fmt::print(stderr,
               "factory: no [agents.debug] command in .factory.toml; here is the prompt to paste "
               "into any agent\n");
    fmt::print("{}", prompt);
    return 0;
  }
  fs::path prompt_file = log;
  prompt_file.replace_extension(".explain.md");
  write_file(prompt_file, prompt);
  return ask_agent(ctx, repo, task, red, prompt_file);
}

}  // namespace

void add_explain(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "explain", "Ask the debug agent why a stage is red (or print the prompt for one)");
  cmd->footer(
      "The prompt holds the stage's findings with their log lines, the change since the last\n"
      "green commit and the contract. It goes to [agents.debug] command in .factory.toml on\n"
      "stdin; without one it is printed.\n"
      "Examples:\n  factory explain batch-upload\n  factory explain batch-upload unit-test\n"
      "  factory explain | xclip -selection clipboard   # no agent configured");
  auto words = std::make_shared<std::vector<std::string>>();
  cmd->add_option("words", *words, "[<task>] [<stage>] (default: the latest red stage)")
      ->expected(0, 2);
  cmd->callback([&ctx, words] { ctx.exit_code = run_explain(ctx, *words); });
}

}  // namespace factory::cli
