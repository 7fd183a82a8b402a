// Hook latency: the whole blocked `git commit` as the user feels it, with factory's generated
// pre-commit hook against pre-commit, lefthook and the floor (a hook that is just `exit 1`).
// Each tool gets its own fresh repository with the same 50 staged files and the same boundary
// (20 allowed globs; one staged file is outside them), so every variant must block the commit.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "support.hpp"

namespace fs = std::filesystem;
using Clock = bench::Clock;

namespace {

constexpr int k_default_rounds = 15;
constexpr int k_globs = 20;
constexpr int k_staged = 50;
constexpr const char* k_task = "bench";

// One way of blocking the commit, and what it measured.
struct Variant {
  std::string name;
  std::string what;          // how the hook is made, for the printed table
  fs::path commit_dir;       // where `git commit` runs
  std::string marker;        // text the hook prints when it blocks ("" for the floor)
  std::string not_measured;  // why it has no numbers ("" when it has)
  std::vector<double> times;
};

std::string quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool try_sh(const std::string& command) {
  return std::system(("(" + command + ") >/dev/null 2>&1").c_str()) == 0;
}

// Runs a set-up step; on failure, returns what it printed last so the report says why.
std::optional<std::string> setup_failed(const std::string& command, const fs::path& dir) {
  const fs::path out = dir / "setup.log";
  if (std::system(("(" + command + ") >" + quote(out.string()) + " 2>&1").c_str()) == 0) {
    return std::nullopt;
  }
  std::ifstream in(out);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return "setup failed: " + last;
}

// First line of a command's stdout ("" when it fails).
std::string first_line(const std::string& command) {
  std::array<char, 256> buffer{};
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (!pipe) return "";
  std::string line = fgets(buffer.data(), buffer.size(), pipe) ? buffer.data() : "";
  pclose(pipe);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

bool on_path(const std::string& tool) {
  return try_sh("command -v " + quote(tool));
}

// The allowed globs of the contract, `src/mod1/**` ... `src/mod20/**`.
std::vector<std::string> allowed_globs() {
  std::vector<std::string> globs;
  for (int i = 1; i <= k_globs; ++i) globs.push_back(fmt::format("src/mod{}/**", i));
  return globs;
}

// The 50 tracked files: 49 spread over the allowed folders, one in forbidden/.
std::vector<std::string> tracked_files() {
  std::vector<std::string> files;
  for (int i = 0; i < k_staged - 1; ++i) {
    files.push_back(fmt::format("src/mod{}/f{}.txt", i % k_globs + 1, i));
  }
  files.push_back("forbidden/secret.txt");
  return files;
}

// A committed repository with the 50 files plus the tool's own config files.
void make_repo(const fs::path& dir, const std::vector<std::pair<std::string, std::string>>& extra) {
  for (const auto& file : tracked_files()) bench::write_file(dir / file, "first line\n");
  for (const auto& [file, text] : extra) bench::write_file(dir / file, text);
  bench::sh(
      fmt::format("cd {} && git init -q -b main && git config user.name bench && "
                  "git config user.email bench@example.com && git config commit.gpgsign false && "
                  "git add -A && git commit -qm init",
                  quote(dir.string())));
}

// Modifies and stages all 50 files; a blocked commit leaves them staged for the next round.
void stage_change(const fs::path& dir) {
  for (const auto& file : tracked_files()) std::ofstream(dir / file, std::ios::app) << "edit\n";
  bench::sh(fmt::format("git -C {} add -A", quote(dir.string())));
}

// Runs `git commit -q -m x` in `dir` with output to `log`; returns its wait status.
int spawn_commit(const fs::path& dir, const fs::path& log) {
  return bench::spawn_child({"git", "-C", dir.string(), "commit", "-q", "-m", "x"}, dir, log)
      .status;
}

bool blocked(int status) {
  return WIFEXITED(status) && WEXITSTATUS(status) != 0;
}

std::string head_of(const fs::path& dir) {
  return first_line(fmt::format("git -C {} rev-parse HEAD", quote(dir.string())));
}

// A benchmark that times a passing commit is wrong: the commit must fail, move no branch, keep
// every file staged, and fail for the right reason (the hook's own message).
std::string check_blocks(const Variant& v, const fs::path& log) {
  const std::string before = head_of(v.commit_dir);
  const int status = spawn_commit(v.commit_dir, log);
  const std::string output = bench::read_file(log);
  if (!blocked(status)) return "the commit was NOT blocked: " + output;
  if (head_of(v.commit_dir) != before) return "the commit moved HEAD";
  auto staged = first_line(
      fmt::format("git -C {} diff --cached --name-only | wc -l", quote(v.commit_dir.string())));
  if (std::stoi(staged.empty() ? "0" : staged) != k_staged) return "the staged files changed";
  if (!v.marker.empty() && output.find(v.marker) == std::string::npos) {
    return "blocked, but not by its hook: " + output;
  }
  return "";
}

Variant factory_variant(const fs::path& scratch, const fs::path& factory_bin) {
  Variant v{"factory", "`factory new --no-tdd --allow x20` + generated dispatcher hook",
            {},        "BLOCKED: " + std::string(k_task) + " cannot modify forbidden/secret.txt",
            "",        {}};
  if (!fs::exists(factory_bin)) {
    v.not_measured = "skipped (not built: " + factory_bin.string() + "; run make build)";
    return v;
  }
  const fs::path repo = scratch / "factory" / "repo";
  make_repo(repo, {});
  const std::string bin = quote(factory_bin.string());
  std::string allow;
  for (const auto& glob : allowed_globs()) allow += " --allow " + quote(glob);
  if (auto failed = setup_failed(
          fmt::format("cd {} && {} init --lang python && git add -A && git commit -qm cfg && "
                      "{} new {} --no-tdd{}",
                      quote(repo.string()), bin, bin, k_task, allow),
          repo.parent_path())) {
    v.not_measured = *failed;
    return v;
  }
  v.commit_dir = repo.parent_path() / "repo.factory" / k_task;
  return v;
}

Variant pre_commit_variant(const fs::path& scratch) {
  Variant v{"pre-commit", "", {}, "BLOCKED by pre-commit", "", {}};
  if (!on_path("pre-commit")) {
    v.not_measured = "skipped (not installed: apt-get install pre-commit)";
    return v;
  }
  v.what = first_line("pre-commit --version") + ", local hook, language: fail, files: regex";
  std::string alternatives;
  for (int i = 1; i <= k_globs; ++i)
    alternatives += fmt::format("{}src/mod{}/", i > 1 ? "|" : "", i);
  // The hook fires on every staged file outside the allowed globs: the contract's rule as a regex.
  const std::string config = fmt::format(
      "repos:\n  - repo: local\n    hooks:\n      - id: task-boundary\n"
      "        name: task boundary\n        language: fail\n"
      "        entry: \"BLOCKED by pre-commit: outside the allowed files\"\n"
      "        files: '^(?!({}))'\n",
      alternatives);
  const fs::path repo = scratch / "pre-commit" / "repo";
  make_repo(repo, {{".pre-commit-config.yaml", config}});
  if (auto failed = setup_failed("cd " + quote(repo.string()) + " && pre-commit install",
                                 repo.parent_path())) {
    v.not_measured = *failed;
  }
  v.commit_dir = repo;
  return v;
}

Variant lefthook_variant(const fs::path& scratch) {
  Variant v{"lefthook", "", {}, "BLOCKED by lefthook", "", {}};
  if (!on_path("lefthook")) {
    v.not_measured = "skipped (not installed: npm install -g lefthook)";
    return v;
  }
  v.what = "lefthook " + first_line("lefthook version") + ", glob + exclude x20, failing run";
  std::string config =
      "pre-commit:\n  commands:\n    task-boundary:\n      glob: \"**\"\n      exclude:\n";
  for (const auto& glob : allowed_globs()) config += fmt::format("        - \"{}\"\n", glob);
  config += "      run: 'echo \"BLOCKED by lefthook: {staged_files}\" >&2; exit 1'\n";
  const fs::path repo = scratch / "lefthook" / "repo";
  make_repo(repo, {{"lefthook.yml", config}});
  if (auto failed =
          setup_failed("cd " + quote(repo.string()) + " && lefthook install", repo.parent_path())) {
    v.not_measured = *failed;
  }
  v.commit_dir = repo;
  return v;
}

Variant floor_variant(const fs::path& scratch) {
  Variant v{"floor", "pre-commit hook `#!/bin/sh` + `exit 1`", {}, "", "", {}};
  const fs::path repo = scratch / "floor" / "repo";
  make_repo(repo, {});
  const fs::path hook = repo / ".git" / "hooks" / "pre-commit";
  bench::write_file(hook, "#!/bin/sh\nexit 1\n");
  fs::permissions(hook, fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read);
  v.commit_dir = repo;
  return v;
}

// The same git for every variant, isolated from the user's config, and no variable that would
// make a hook pass (FACTORY_ALLOW_OUTSIDE, SKIP, LEFTHOOK=0) or point git elsewhere.
void isolate_environment(const fs::path& scratch) {
  bench::write_file(
      scratch / "gitconfig",
      "[user]\n\tname = bench\n\temail = bench@example.com\n[init]\n\tdefaultBranch = main\n");
  setenv("GIT_CONFIG_GLOBAL", (scratch / "gitconfig").c_str(), 1);
  setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
  setenv("PRE_COMMIT_HOME", (scratch / "pre-commit-home").c_str(), 1);
  setenv("NO_COLOR", "1", 1);
  for (const char* name : {"GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "FACTORY_ALLOW_OUTSIDE",
                           "SKIP", "LEFTHOOK", "LEFTHOOK_EXCLUDE", "FACTORY_TASK"}) {
    unsetenv(name);
  }
}

std::optional<double> median_of(const std::vector<Variant>& variants, const std::string& name) {
  for (const auto& v : variants) {
    if (v.name == name && v.not_measured.empty() && !v.times.empty()) return bench::median(v.times);
  }
  return std::nullopt;
}

// Prints `a / b` against its target; `at_most` says which side of the target is good.
void print_ratio(const std::vector<Variant>& variants, const std::string& a, const std::string& b,
                 double target, bool at_most) {
  auto label = fmt::format("{} / {}", a, b);
  auto ma = median_of(variants, a);
  auto mb = median_of(variants, b);
  if (!ma || !mb) {
    fmt::print("  {:<22} n/a (a variant was not measured)\n", label);
    return;
  }
  double ratio = *ma / *mb;
  bool ok = at_most ? ratio <= target : ratio >= target;
  fmt::print("  {:<22} {:7.2f}x   (target {} {:.0f}x) {}\n", label, ratio,
             at_most ? "<=" : ">=", target, ok ? "ok" : "MISSED");
}

// Checks that each variant blocks (also its warm-up), then times the rounds interleaved, so a
// slow moment of the machine hits every variant alike. False when a variant did not block.
bool measure(std::vector<Variant>& variants, int rounds, const fs::path& log) {
  bool all_blocked = true;
  for (auto& v : variants) {
    if (!v.not_measured.empty()) continue;
    stage_change(v.commit_dir);
    std::string problem = check_blocks(v, log);
    if (!problem.empty()) {
      v.not_measured = "NOT MEASURED: " + problem.substr(0, 400);
      all_blocked = false;
    }
  }
  for (int round = 0; round < rounds; ++round) {
    for (auto& v : variants) {
      if (!v.not_measured.empty()) continue;
      auto start = Clock::now();
      int status = spawn_commit(v.commit_dir, log);
      v.times.push_back(bench::ms_since(start));
      if (!blocked(status)) {
        v.not_measured = "NOT MEASURED: a timed commit went through";
        all_blocked = false;
      }
    }
  }
  return all_blocked;
}

void print_report(const std::vector<Variant>& variants, int rounds) {
  fmt::print(
      "factory hook latency: a blocked `git commit -q -m x`, {} staged files, {} allowed globs, "
      "1 file outside them; median of {} interleaved rounds\n",
      k_staged, k_globs, rounds);
  for (const auto& v : variants) {
    if (!v.not_measured.empty()) {
      fmt::print("  {:<11} {}\n", v.name, v.not_measured);
      continue;
    }
    auto [low, high] = std::minmax_element(v.times.begin(), v.times.end());
    fmt::print("  {:<11} {:8.1f} ms  (min {:.1f}, max {:.1f})  {}\n", v.name,
               bench::median(v.times), *low, *high, v.what);
  }
  print_ratio(variants, "factory", "floor", 2, true);
  print_ratio(variants, "pre-commit", "factory", 15, false);
  print_ratio(variants, "lefthook", "factory", 20, false);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = k_default_rounds;
  fs::path factory_bin = bench::default_factory_bin(argv[0]);
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--factory") factory_bin = fs::absolute(argv[i + 1]);
  }
  fs::path scratch = fs::temp_directory_path() / fmt::format("factory-hook-bench-{}", getpid());
  fs::create_directories(scratch);
  isolate_environment(scratch);
  std::vector<Variant> variants = {factory_variant(scratch, factory_bin),
                                   pre_commit_variant(scratch), lefthook_variant(scratch),
                                   floor_variant(scratch)};
  bool all_blocked = measure(variants, rounds, scratch / "commit.log");
  print_report(variants, rounds);
  fs::remove_all(scratch);
  return all_blocked ? 0 : 1;
}
