#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "proc/interrupt.hpp"
#include "proc/posix_runner.hpp"

using factory::core::shell_request;
using factory::proc::install_interrupt_handler;
using factory::proc::interrupt_requested;
using factory::proc::PosixRunner;

namespace {

// The interrupt flag is process-wide and sticky, so each scenario runs in a forked copy of the
// test binary and reports through its exit code: 0 when every expectation held, else which failed.
int in_child_process(const std::function<int()>& scenario) {
  pid_t pid = fork();
  if (pid == 0) _exit(scenario());
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

}  // namespace

TEST_CASE("SIGINT and SIGTERM set the flag instead of ending factory") {
  CHECK(in_child_process([] {
          install_interrupt_handler();
          if (interrupt_requested()) return 1;
          raise(SIGINT);
          if (!interrupt_requested()) return 2;
          return 0;
        }) == 0);
  CHECK(in_child_process([] {
          install_interrupt_handler();
          raise(SIGTERM);
          return interrupt_requested() ? 0 : 1;
        }) == 0);
}

TEST_CASE("Ctrl-C while a stage runs stops its group and marks the result interrupted") {
  CHECK(in_child_process([] {
          install_interrupt_handler();
          // The stage signals factory itself, as the terminal would on Ctrl-C.
          auto request =
              shell_request("kill -INT $PPID; sleep 30", std::filesystem::current_path());
          auto result = PosixRunner().run(request);
          if (!result.interrupted) return 1;
          if (result.ok()) return 2;
          if (result.timed_out) return 3;
          if (result.term_signal != SIGTERM) return 4;
          return 0;
        }) == 0);
}

TEST_CASE("after Ctrl-C no new stage is started") {
  CHECK(in_child_process([] {
          install_interrupt_handler();
          raise(SIGINT);
          auto dir = std::filesystem::temp_directory_path() / "factory-proc-interrupt-marker";
          std::filesystem::remove(dir);
          auto result = PosixRunner().run(
              shell_request("touch " + dir.string(), std::filesystem::current_path()));
          bool ran = std::filesystem::exists(dir);
          std::filesystem::remove(dir);
          if (!result.interrupted) return 1;
          if (ran) return 2;
          return 0;
        }) == 0);
}
