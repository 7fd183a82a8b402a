#pragma once

#include "core/process.hpp"

namespace factory::proc {

// Runs a process for real: own process group, stdin from /dev/null, stdout+stderr merged and
// streamed to the log file while a bounded tail stays in memory, timeout with SIGTERM then
// SIGKILL, and the whole group killed when the main process ends or Ctrl-C is pressed.
class PosixRunner : public core::ProcessRunner {
 public:
  core::ProcessResult run(const core::ProcessRequest& request) override;
};

}  // namespace factory::proc
