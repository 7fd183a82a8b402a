#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace factory::core {

// What to run. The seam between the engine (and the jj backend) and real processes.
struct ProcessRequest {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH
  std::filesystem::path cwd;
  std::vector<std::pair<std::string, std::string>> env;  // added to the inherited environment
  std::chrono::milliseconds timeout{0};                  // 0 = no timeout
  std::filesystem::path log_path;                        // full output goes here when set
  size_t tail_bytes = 64 * 1024;                         // how much of the end to keep in memory
};

// How a process ended. A non-zero exit is a result, not an error.
struct ProcessResult {
  int exit_code = -1;        // -1 when it did not exit normally
  int term_signal = 0;       // the signal that ended it, if any
  bool timed_out = false;    // killed at its timeout
  bool interrupted = false;  // killed because the user pressed Ctrl-C
  bool spawn_failed = false;
  std::string output;  // the last tail_bytes of stdout+stderr, interleaved
  bool output_truncated = false;
  uint64_t output_bytes = 0;  // everything the process wrote
  std::chrono::milliseconds duration{0};

  bool ok() const { return exit_code == 0 && !timed_out && !interrupted; }
};

// Runs processes. The real one lives in proc/; tests use a fake.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult run(const ProcessRequest& request) = 0;
};

// A request that runs `command` through /bin/sh -c.
inline ProcessRequest shell_request(std::string command, std::filesystem::path cwd) {
  ProcessRequest request;
  request.argv = {"/bin/sh", "-c", std::move(command)};
  request.cwd = std::move(cwd);
  return request;
}

}  // namespace factory::core
