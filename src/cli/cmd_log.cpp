#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "cli/commands.hpp"
#include "cli/stage_pick.hpp"
#include "core/error.hpp"

namespace factory::cli {

namespace {

namespace fs = std::filesystem;

// Copies the file to stdout as it is, however large.
void cat(const fs::path& log) {
  int fd = ::open(log.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(ExitCode::usage, fmt::format("cannot read {}: {}", log.string(), strerror(errno)),
                "check the file's permissions");
  }
  std::fflush(stdout);
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(STDOUT_FILENO, buffer + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {  // the reader went away (factory log | head): nothing more to do
        ::close(fd);
        return;
      }
      done += w;
    }
  }
  ::close(fd);
}

// Runs `pager file` through the shell with the terminal as its stdin/stdout; the exit status of
// the shell (127: the pager was not found).
int run_pager(const std::string& pager, const fs::path& log) {
  std::fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return 127;
  if (pid == 0) {
    // $PAGER may carry options ("less -R"); the path goes in as "$1", never re-split.
    std::string script = pager + " \"$1\"";
    execl("/bin/sh", "sh", "-c", script.c_str(), "sh", log.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Whether `program` is an executable file in one of $PATH's folders.
bool on_path(std::string_view program) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (!dirs.empty()) {
    size_t end = std::min(dirs.find(':'), dirs.size());
    std::string candidate = fmt::format("{}/{}", dirs.substr(0, end), program);
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    dirs.remove_prefix(std::min(end + 1, dirs.size()));
  }
  return false;
}

void show_log(const fs::path& log) {
  if (!isatty(STDOUT_FILENO)) return cat(log);
  const char* env = std::getenv("PAGER");
  bool configured = env != nullptr && *env != '\0';
  // No pager on this machine: the log itself is more useful than an error.
  if (!configured && !on_path("less")) return cat(log);
  std::string pager = configured ? env : "less -R";
  if (run_pager(pager, log) != 127) return;
  throw Error(ExitCode::usage, fmt::format("cannot run the pager '{}'", pager),
              fmt::format("fix $PAGER, or read the file directly: {}", log.string()));
}

}  // namespace

void add_log(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("log", "Show a stage's full log ($PAGER on a terminal)");
  cmd->footer(
      "Shows the last red stage of the last run, else the last stage that ran.\n"
      "Examples:\n  factory log batch-upload\n  factory log batch-upload unit-test\n"
      "  factory log unit-test               # inside a task workspace\n"
      "  factory log batch-upload | grep -n FAIL");
  auto words = std::make_shared<std::vector<std::string>>();
  cmd->add_option("words", *words, "[<task>] [<stage>]")->expected(0, 2);
  cmd->callback([&ctx, words] {
    auto repo = ctx.open_repo();
    auto which = task_and_stage(repo, *words);
    auto result = logged_result(repo, which);
    fs::path log = stage_log(repo, result);
    if (isatty(STDOUT_FILENO)) {
      fmt::print(stderr, "# {} · {} {} · {}\n", result.task, core::stage_name(result.stage),
                 core::outcome_name(result.outcome), log.string());
    }
    show_log(log);
  });
}

}  // namespace factory::cli
