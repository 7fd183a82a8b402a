// TCR overhead against the shell: factory's libgit2 commit/revert/new versus the git commands a
// shell TCR loop would run, on generated repositories, measured in the same run.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <vector>

#include "support.hpp"
#include "vcs/git_vcs.hpp"

namespace fs = std::filesystem;
using Clock = bench::Clock;

namespace {

constexpr int k_rounds = 7;

// A repository of `files` small files in folders of 100, committed.
fs::path make_repo(const fs::path& dir, int files) {
  fs::create_directories(dir);
  for (int i = 0; i < files; ++i) {
    fs::path sub = dir / fmt::format("d{:03}", i / 100);
    if (i % 100 == 0) fs::create_directories(sub);
    bench::write_file(sub / fmt::format("f{}.txt", i), fmt::format("file {}\nline two\n", i));
  }
  bench::sh(
      fmt::format("cd {} && git init -q -b main && git config user.name bench && "
                  "git config user.email bench@example.com && git add -A && git commit -qm init",
                  dir.string()));
  return dir;
}

// Median of k_rounds timings of `measured`, each preceded by an untimed `prepare`.
double median_ms(const std::function<void(int)>& prepare,
                 const std::function<void(int)>& measured) {
  std::vector<double> times;
  for (int round = 0; round < k_rounds; ++round) {
    prepare(round);
    auto start = Clock::now();
    measured(round);
    times.push_back(bench::ms_since(start));
  }
  return bench::median(times);
}

void report(const std::string& what, double factory_ms, double shell_ms, const std::string& shell,
            double target) {
  double ratio = factory_ms / shell_ms;
  fmt::print(
      "{:<34} factory {:8.1f} ms   shell {:8.1f} ms   ratio {:.2f}x  (target <= {:.1f}x) {}\n",
      what, factory_ms, shell_ms, ratio, target, ratio <= target ? "ok" : "MISSED");
  fmt::print("{:<34} shell = {}\n", "", shell);
}

void bench_commit(const fs::path& repo, int files) {
  auto touch = [&](int round) {
    bench::write_file(repo / "d000/f0.txt", fmt::format("edit {}\n", round));
  };
  double shell = median_ms(touch, [&](int) {
    bench::sh(fmt::format("cd {} && git add -A && git commit -qm shell", repo.string()));
  });
  double factory = median_ms(touch, [&](int) {
    factory::vcs::GitVcs vcs(repo);
    vcs.commit_all(repo, "factory: bench passed");
  });
  report(fmt::format("commit 1 file, {} files", files), factory, shell, "git add -A && git commit",
         0.5);
}

void bench_revert(const fs::path& repo, int files, double target) {
  auto dirty = [&](int round) {
    bench::write_file(repo / "d000/f1.txt", fmt::format("broken {}\n", round));
    bench::write_file(repo / "d000/new.txt", "new file\n");
  };
  double shell = median_ms(dirty, [&](int) {
    bench::sh(fmt::format("cd {} && git reset -q --hard && git clean -fdq", repo.string()));
  });
  double restore = median_ms(dirty, [&](int) {
    factory::vcs::GitVcs vcs(repo);
    vcs.restore_to_head(repo);
  });
  fs::path patches = repo.parent_path() / "patches";
  double full = median_ms(dirty, [&](int round) {
    factory::vcs::GitVcs vcs(repo);
    vcs.discard_change(repo, fmt::format("refs/factory/reverted/bench/{}", round),
                       patches / fmt::format("{}.patch", round));
  });
  fs::remove_all(patches);
  std::string label = fmt::format("revert 1 mod + 1 new, {} files", files);
  report(label, restore, shell, "git reset --hard && git clean -fd", target);
  report(label + " +save", full, shell, "(factory: save ref + patch, then restore)", target);
}

void bench_new(const fs::path& repo, const fs::path& scratch) {
  auto nothing = [](int) {};
  double shell = median_ms(nothing, [&](int round) {
    bench::sh(fmt::format("cd {} && git worktree add -q -b shell-{} {}", repo.string(), round,
                          (scratch / fmt::format("shell-ws-{}", round)).string()));
  });
  double factory = median_ms(nothing, [&](int round) {
    factory::vcs::GitVcs vcs(repo);
    vcs.add_workspace(scratch / fmt::format("factory-ws-{}", round),
                      fmt::format("factory/bench-{}", round), "");
  });
  report("new workspace (10k files)", factory, shell, "git worktree add -b", 1.2);
}

}  // namespace

int main(int argc, char** argv) {
  bool large = !(argc > 1 && std::string(argv[1]) == "--quick");
  fs::path scratch = fs::temp_directory_path() / fmt::format("factory-bench-{}", getpid());
  fmt::print("factory TCR benchmark: median of {} rounds, same machine, same run\n", k_rounds);
  fs::path small = make_repo(scratch / "repo10k", 10'000);
  bench_commit(small, 10'000);
  bench_revert(small, 10'000, 0.7);
  bench_new(small, scratch);
  if (large) {
    fs::path big = make_repo(scratch / "repo100k", 100'000);
    bench_revert(big, 100'000, 0.6);
  }
  fs::remove_all(scratch);
  return 0;
}
