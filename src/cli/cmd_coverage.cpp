#include <unistd.h>

#include <fmt/format.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/glob.hpp"
#include "core/json_text.hpp"
#include "coverage/analysis.hpp"
#include "coverage/diff.hpp"
#include "coverage/readers.hpp"
#include "proc/interrupt.hpp"
#include "vcs/vcs.hpp"

namespace factory::cli {

namespace {

namespace fs = std::filesystem;

constexpr int k_summary_lines = 1000;

struct CoverageArgs {
  std::vector<std::string> reports;
  std::string format;
  std::string diff;
  std::string root;
  std::vector<std::string> critical;
  std::string min;  // as typed: parsed by parse_percentage (decimal only)
  std::string min_patch;
  bool json = false;
};

// --root, else the workspace around the current folder, else the current folder.
fs::path workspace_root(const CoverageArgs& args) {
  std::error_code ec;
  if (!args.root.empty()) {
    if (!fs::is_directory(args.root, ec)) {
      throw Error(ExitCode::usage, fmt::format("--root {} is not a folder", args.root),
                  "name the workspace the report was made in");
    }
    fs::path root = fs::absolute(args.root, ec).lexically_normal();
    if (!root.has_filename() && root != root.root_path())
      root = root.parent_path();  // "a/." -> "a"
    return root;
  }
  fs::path cwd = fs::current_path(ec);
  try {
    if (auto location = vcs::locate(cwd)) return location->workspace_root;
  } catch (const std::exception&) {
    // not a repository: the current folder is the root
  }
  return cwd;
}

// "80", "66.67" -> the value. Read with from_chars over the whole text, not CLI11's number
// parsing, which takes "0x10"; "nan" and "inf" fail the range check.
std::optional<double> parse_percentage(const char* name, const std::string& text) {
  if (text.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && value >= 0 && value <= 100) {
    return value;
  }
  throw Error(ExitCode::usage, fmt::format("{} {} is not a percentage", name, text),
              "give a number from 0 to 100");
}

coverage::Rules coverage_rules(const CoverageArgs& args) {
  coverage::Rules rules;
  rules.min_percent = parse_percentage("--min", args.min);
  rules.min_patch_percent = parse_percentage("--min-patch", args.min_patch);
  rules.critical_paths = args.critical;
  for (const auto& c : rules.critical_paths) {
    bool function = c.size() > 2 && c.compare(c.size() - 2, 2, "()") == 0;
    if (function) continue;
    if (auto why = core::glob_error(c)) {
      throw Error(ExitCode::usage, fmt::format("--critical '{}': {}", c, *why),
                  "give a glob (src/pay/**) or a function name with () (charge_card())");
    }
  }
  return rules;
}

std::string read_diff(const std::string& source) {
  if (source == "-") {
    if (isatty(STDIN_FILENO))
      fmt::print(stderr, "factory: reading the diff from stdin (Ctrl-D ends it)\n");
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  std::error_code ec;
  std::ifstream in(source, std::ios::binary);
  if (fs::is_directory(source, ec) || !in) {
    throw Error(ExitCode::usage, fmt::format("cannot read the diff {}", source),
                "name a file holding 'git diff' output, or - and pipe it in");
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

coverage::Report read_reports(const CoverageArgs& args, const coverage::ReadOptions& options) {
  std::optional<coverage::Format> forced;
  if (!args.format.empty()) {
    forced = coverage::parse_format(args.format);
    if (!forced) {
      throw Error(ExitCode::usage, fmt::format("unknown report format '{}'", args.format),
                  "use --format lcov, cobertura or go");
    }
  }
  coverage::Report merged;
  for (const auto& file : args.reports) {
    auto format = forced ? *forced : coverage::detect_file_format(file);
    coverage::merge_report(merged, coverage::read_report(file, format, options));
    merged.format = format;
  }
  return merged;
}

int run_coverage(const CoverageArgs& args) {
  coverage::Rules rules = coverage_rules(args);
  coverage::ReadOptions options;
  options.repo_root = workspace_root(args);
  std::error_code ec;
  options.base_dir = fs::current_path(ec);  // coverage.py writes paths relative to where it ran
  coverage::Report report = read_reports(args, options);
  coverage::ChangedLines changed;
  if (!args.diff.empty()) changed = coverage::parse_unified_diff(read_diff(args.diff));
  coverage::add_unreported_sources(report, changed, options);
  coverage::Analysis analysis = coverage::analyze(report, changed, rules);
  // The text summary ends with a note on them; the JSON document goes to a program, so a person
  // hears of them on stderr.
  if (!report.outside.empty() && args.json) {
    fmt::print(stderr,
               "factory: warning: coverage report names {} file{} not in the workspace {} "
               "(first: {})\n",
               report.outside.size(), report.outside.size() == 1 ? "" : "s",
               options.repo_root.string(), report.outside.front());
  }
  if (args.json) {
    fmt::print("{}\n", core::json_text(coverage::to_json(analysis), 2));
  } else {
    fmt::print("{}", coverage::render_summary(analysis, k_summary_lines));
    if (args.diff.empty())
      fmt::print(
          "(no --diff: patch coverage needs the change, e.g. git diff main | factory coverage "
          "REPORT --diff -)\n");
  }
  return analysis.passed() ? 0 : static_cast<int>(ExitCode::failed);
}

}  // namespace

void add_coverage(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "coverage", "Analyse a coverage report: overall, patch and critical-path coverage");
  cmd->footer(
      "Reads lcov (.info), Cobertura XML and Go coverprofiles (format detected unless given);\n"
      "several reports are merged. Patch coverage counts the changed lines of --diff that the\n"
      "report measures, like diff-cover. --critical takes a glob or a function name with ().\n"
      "Exit status: 0 when every gate passes, 1 when one fails, 2 usage or unreadable input.\n"
      "Examples:\n"
      "  git diff main | factory coverage coverage.xml --diff - --min-patch 90\n"
      "  factory coverage cover.out --critical 'pay/**' --critical 'charge_card()' --json");
  auto args = std::make_shared<CoverageArgs>();
  cmd->add_option("report", args->reports, "Coverage report file(s)")->required();
  cmd->add_option("--format", args->format, "lcov, cobertura or go (default: detected)");
  cmd->add_option("--diff", args->diff,
                  "Unified diff of the change (git diff output); - for stdin");
  cmd->add_option("--root", args->root, "Workspace root (default: the repository around here)");
  cmd->add_option("--critical", args->critical, "Critical glob or function() (repeatable)");
  cmd->add_option("--min", args->min, "Minimum overall line coverage, percent");
  cmd->add_option("--min-patch", args->min_patch, "Minimum patch coverage, percent");
  cmd->add_flag("--json", args->json, "Print the analysis as one JSON document");
  cmd->callback([&ctx, args] {
    proc::default_interrupt_handling();  // read-only: Ctrl-C ends it, nothing to record
    ctx.exit_code = run_coverage(*args);
  });
}

}  // namespace factory::cli
