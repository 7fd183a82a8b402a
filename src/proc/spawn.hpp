#pragma once

#include <sys/types.h>

#include <string>

#include "core/process.hpp"

namespace factory::proc {

// A started child: the leader of its own process group, its stdout+stderr on one pipe.
struct SpawnedChild {
  pid_t pid = -1;      // also the process group id
  int output_fd = -1;  // read end of the merged stdout+stderr pipe, non-blocking
  std::string error;   // "cannot run X: reason" when it could not be started (pid is then -1)
};

// Forks and execs request.argv with the request's cwd and environment, stdin from /dev/null and
// default signal dispositions. Returns only after the exec succeeded or failed, so a failure is
// reported here rather than as an exit code 127 that a shell could also produce.
SpawnedChild spawn_child(const core::ProcessRequest& request);

}  // namespace factory::proc
