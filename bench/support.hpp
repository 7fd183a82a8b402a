#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

// What every benchmark needs: files, a shell, child processes timed from outside, medians.
namespace bench {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// Prints "<program>: FAILED: message" and exits 1: a benchmark that measured the wrong thing
// must not print numbers.
[[noreturn]] void fail(const std::string& message);

// The whole file ("" when it cannot be read).
std::string read_file(const fs::path& file);

// Writes `text` to `file`, creating its folder.
void write_file(const fs::path& file, const std::string& text);

// Runs `command` through /bin/sh; fails the benchmark when it does not exit 0.
void sh(const std::string& command);

// Milliseconds since `start`.
double ms_since(Clock::time_point start);

// The middle value (the upper one of an even count); `values` must not be empty.
double median(std::vector<double> values);

// The factory binary of the build this benchmark belongs to: <build>/bench/.. = <build>.
fs::path default_factory_bin(const char* argv0);

// One finished child process.
struct Child {
  double ms = 0;           // wall time from spawn to exit
  double peak_rss_mb = 0;  // the child's own peak resident memory
  int status = -1;         // wait status
};

// Runs argv (looked up on PATH) in `cwd` with stdin from /dev/null, stdout to `out` and stderr
// to `err` (to `out` as well when `err` is empty) and waits for it; fails when it cannot start.
Child spawn_child(const std::vector<std::string>& args, const fs::path& cwd, const fs::path& out,
                  const fs::path& err = {});

// True when the wait status says the child exited with `code`.
bool exited_with(int status, int code);

}  // namespace bench
