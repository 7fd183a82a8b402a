#pragma once

#include <filesystem>
#include <string>

#include "core/clock.hpp"
#include "pipeline/task_context.hpp"
#include "proc/posix_runner.hpp"

namespace factory::cli {

// What every command shares: the real process runner and clock, and the exit code to return.
struct Context {
  proc::PosixRunner runner;
  core::SystemClock clock;
  int exit_code = 0;

  // Opens the repository around the current directory.
  pipeline::Repo open_repo() {
    return pipeline::open_repo(std::filesystem::current_path(), runner, clock);
  }
};

}  // namespace factory::cli
