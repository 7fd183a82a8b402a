#include <unistd.h>

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "cli/commands.hpp"
#include "config/project_config.hpp"
#include "core/error.hpp"
#include "extract/extractor.hpp"
#include "extract/finding_json.hpp"
#include "proc/interrupt.hpp"
#include "report/findings_format.hpp"
#include "report/root_cause.hpp"
#include "report/style.hpp"
#include "vcs/vcs.hpp"

namespace factory::cli {

namespace {

namespace fs = std::filesystem;

struct ExtractArgs {
  std::string format;
  bool ci = false;
  std::string file;
};

// --format wins; then --ci or GitHub Actions mean annotations; else the human block.
std::string chosen_format(const ExtractArgs& args) {
  if (!args.format.empty()) {
    if (args.format == "text" || args.format == "json" || args.format == "sarif" ||
        args.format == "github") {
      return args.format;
    }
    throw Error(ExitCode::usage, fmt::format("unknown format '{}'", args.format),
                "use --format text, json, sarif or github");
  }
  const char* actions = std::getenv("GITHUB_ACTIONS");
  if (args.ci || (actions != nullptr && std::string_view(actions) == "true")) return "github";
  return "text";
}

// Inside a repository: its workspace as the project root and .factory.toml's own patterns. A
// broken or missing config only costs the user patterns: extract needs no config.
extract::Options extract_options() {
  extract::Options options;
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  if (ec) return options;
  std::optional<vcs::Location> location;
  try {
    location = vcs::locate(cwd);
  } catch (const std::exception&) {
    return options;
  }
  if (!location) return options;
  options.root = location->workspace_root;
  try {
    auto config = config::load_project_config(location->main_root / config::k_config_file);
    options.user_patterns = std::move(config.extract_patterns);
  } catch (const Error& e) {
    fmt::print(stderr, "factory: warning: {}; extracting with the built-in patterns only\n",
               e.what());
  }
  return options;
}

extract::Extraction read_log(const ExtractArgs& args, const extract::Options& options) {
  if (args.file.empty() || args.file == "-") {
    if (isatty(STDIN_FILENO)) {
      fmt::print(stderr, "factory: reading the log from stdin (Ctrl-D ends it)\n");
    }
    return extract::extract_fd(STDIN_FILENO, options);
  }
  std::error_code ec;
  if (fs::is_directory(args.file, ec)) {
    throw Error(ExitCode::usage, fmt::format("{} is a directory, not a log", args.file),
                "name a log file, or pipe the log in: some-command 2>&1 | factory extract");
  }
  try {
    return extract::extract_file(args.file, options);
  } catch (const Error& e) {
    throw Error(
        ExitCode::usage, e.what(),
        "name a readable log file, or pipe the log in: some-command 2>&1 | factory extract");
  }
}

void print_text(const extract::Extraction& extraction) {
  bool color = report::color_enabled(stdout);
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  auto block = report::render_root_cause(extraction, cwd, color);
  // The block ends with a line naming the other findings; they are listed in full below.
  if (extraction.findings.size() > 1 && !block.empty()) block.pop_back();
  for (const auto& line : block) fmt::print("{}\n", line);
  for (size_t i = 1; i < extraction.findings.size(); ++i) {
    fmt::print("{}\n", report::printable(report::finding_line(extraction.findings[i])));
  }
  if (!extraction.summary.empty()) {
    fmt::print("{}\n", report::labelled("SUMMARY", report::printable(extraction.summary), color));
  }
}

bool has_error(const extract::Extraction& extraction) {
  for (const auto& f : extraction.findings) {
    if (f.severity == extract::Severity::error) return true;
  }
  return false;
}

int run_extract(const ExtractArgs& args) {
  std::string format = chosen_format(args);  // before reading: a typo must not eat stdin
  auto extraction = read_log(args, extract_options());
  if (format == "json") {
    fmt::print("{}\n", extract::dump_json(extract::to_json(extraction), 2));
  } else if (format == "sarif") {
    fmt::print("{}\n", extract::dump_json(report::to_sarif(extraction), 2));
  } else if (format == "github") {
    for (const auto& line : report::github_annotations(extraction)) fmt::print("{}\n", line);
  } else {
    print_text(extraction);
  }
  return has_error(extraction) ? static_cast<int>(ExitCode::failed) : 0;
}

}  // namespace

void add_extract(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "extract", "Find the errors in any log (a file or stdin); needs no repository");
  cmd->footer(
      "Exit status: 0 when no error-severity finding, 1 when there is one, 2 usage.\n"
      "Formats: text (default), json ({\"findings\": [...], \"summary\": \"...\"}), sarif (SARIF\n"
      "2.1.0), github (::error annotations; the default with --ci or GITHUB_ACTIONS=true).\n"
      "Examples:\n  make 2>&1 | factory extract\n"
      "  factory extract --format json build.log | jq '.findings[0]'\n"
      "  go test ./... 2>&1 | factory extract --ci");
  auto args = std::make_shared<ExtractArgs>();
  cmd->add_option("--format", args->format, "text, json, sarif or github");
  cmd->add_flag("--ci", args->ci, "GitHub annotations (same as GITHUB_ACTIONS=true)");
  cmd->add_option("file", args->file, "The log to read (default: stdin)");
  cmd->callback([&ctx, args] {
    proc::default_interrupt_handling();  // a filter: Ctrl-C ends it, there is nothing to record
    ctx.exit_code = run_extract(*args);
  });
}

}  // namespace factory::cli
