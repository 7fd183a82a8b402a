// factory-hook: the pre-commit check as a small binary. The full factory binary links libgit2
// (whose start-up parses the whole CA bundle), SQLite and more; this one links the contract
// reader, the boundary check and a libgit2-free git reader, so a blocked commit costs little
// more than git's own work. Its output is the full binary's: both print through
// contract::decide_pre_commit / print_pre_commit.
#include "cli/hook_main.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cli/error_output.hpp"
#include "contract/pre_commit.hpp"
#include "core/error.hpp"
#include "vcs/staged_fast.hpp"

namespace factory::cli {

namespace {

struct HookArgs {
  std::string task;     // --task
  std::string factory;  // --factory: the full binary to hand over to
};

// Replaces this process with `<factory> hook pre-commit --task <id>`, with the same environment
// (GIT_INDEX_FILE...), directory and stdin. Returns only when no factory can be started, and
// then blocks the commit: a check nobody can run must not pass.
int hand_over(const HookArgs& args) {
  std::vector<const char*> argv = {"factory", "hook", "pre-commit"};
  if (!args.task.empty()) {
    argv.push_back("--task");
    argv.push_back(args.task.c_str());
  }
  argv.push_back(nullptr);
  std::fflush(nullptr);
  char* const* raw = const_cast<char* const*>(argv.data());
  if (!args.factory.empty()) {
    argv[0] = args.factory.c_str();
    ::execv(args.factory.c_str(), raw);
    argv[0] = "factory";
  }
  ::execvp("factory", raw);
  fmt::print(stderr,
             "✗ BLOCKED: the factory binary is missing, so task '{}' cannot be checked\n"
             "  this hook was installed with {}, which is gone, and no factory is on PATH.\n"
             "  fix: reinstall factory, or put it on PATH, or re-point the hook with 'factory "
             "hook install'\n",
             args.task, args.factory.empty() ? "factory-hook" : args.factory);
  return static_cast<int>(ExitCode::failed);
}

bool parse_args(int argc, char** argv, HookArgs& out) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if ((arg == "--task" || arg == "--factory") && i + 1 < argc) {
      (arg == "--task" ? out.task : out.factory) = argv[++i];
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

int hook_main(int argc, char** argv) {
  HookArgs args;
  if (!parse_args(argc, argv, args)) {
    fmt::print(stderr,
               "usage: factory-hook [--task <id>] [--factory <path of factory>]\n"
               "  (run by factory's pre-commit dispatcher; by hand, use 'factory hook "
               "pre-commit')\n");
    return static_cast<int>(ExitCode::usage);
  }
  // The audited escape writes an event to SQLite, which only the full binary does.
  if (std::getenv("FACTORY_ALLOW_OUTSIDE")) return hand_over(args);
  try {
    auto staged = vcs::staged_changes_fast();
    if (!staged) return hand_over(args);  // a repository the fast reader does not handle
    auto decision = contract::decide_pre_commit(args.task, *staged, nullptr);
    if (decision.verdict == contract::PreCommitVerdict::escape) return hand_over(args);
    return contract::print_pre_commit(decision);
  } catch (const Error& e) {
    if (e.code() != ExitCode::blocked && e.code() != ExitCode::usage) return hand_over(args);
    print_error(
        e.what(),
        e.hint());  // a contract that cannot be used, a bad task id: fail closed, as factory does
    return static_cast<int>(e.code());
  } catch (const std::exception&) {
    return hand_over(args);
  }
}

}  // namespace factory::cli
