#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "proc/posix_runner.hpp"

namespace fs = std::filesystem;
using factory::core::ProcessRequest;
using factory::core::ProcessResult;
using factory::core::shell_request;
using factory::proc::PosixRunner;
using namespace std::chrono_literals;

namespace {

// A real temp directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "factory-proc-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

ProcessResult run_shell(const std::string& command, const fs::path& cwd = fs::current_path()) {
  PosixRunner runner;
  return runner.run(shell_request(command, cwd));
}

// Field 3 of /proc/<pid>/stat is the state; a zombie is as good as gone.
std::string proc_stat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return stat;
}

bool alive(pid_t pid) {
  std::string stat = proc_stat(pid);
  auto paren = stat.rfind(')');
  if (stat.empty() || paren == std::string::npos || paren + 2 >= stat.size()) return false;
  char state = stat[paren + 2];
  return state != 'Z' && state != 'X';
}

// Live processes whose process group is pgid.
int live_members_of_group(pid_t pgid) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = std::stoi(name);
    std::string stat = proc_stat(pid);
    auto paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(stat.substr(paren + 2));
    char state = 0;
    pid_t ppid = 0, pgrp = 0;
    fields >> state >> ppid >> pgrp;
    if (pgrp == pgid && state != 'Z' && state != 'X') ++count;
  }
  return count;
}

// A killed process is reparented and reaped by init; give that a moment (no timing assertion).
bool gone_eventually(pid_t pid) {
  for (int i = 0; i < 200 && alive(pid); ++i) std::this_thread::sleep_for(10ms);
  return !alive(pid);
}

std::vector<pid_t> pids_in(const std::string& output) {
  std::vector<pid_t> pids;
  std::istringstream in(output);
  std::string word;
  while (in >> word) {
    if (word.starts_with("pid=")) pids.push_back(std::stoi(word.substr(4)));
  }
  return pids;
}

}  // namespace

TEST_CASE("exit codes are reported, a non-zero exit is a result") {
  ProcessResult ok = run_shell("true");
  CHECK(ok.exit_code == 0);
  CHECK(ok.ok());
  CHECK_FALSE(ok.spawn_failed);

  ProcessResult failed = run_shell("exit 3");
  CHECK(failed.exit_code == 3);
  CHECK_FALSE(failed.ok());
  CHECK(failed.term_signal == 0);
  CHECK_FALSE(failed.timed_out);
}

TEST_CASE("a process killed by a signal has exit code -1 and the signal") {
  ProcessResult result = run_shell("kill -KILL $$");
  CHECK(result.exit_code == -1);
  CHECK(result.term_signal == SIGKILL);
  CHECK_FALSE(result.ok());
}

TEST_CASE("stdout and stderr are captured interleaved in one stream") {
  ProcessResult result = run_shell("echo one; echo two >&2; echo three; echo four >&2");
  CHECK(result.output == "one\ntwo\nthree\nfour\n");
  CHECK(result.output_bytes == result.output.size());
  CHECK_FALSE(result.output_truncated);
}

TEST_CASE("argv runs without a shell, argv[0] found on PATH") {
  PosixRunner runner;
  ProcessRequest request;
  request.argv = {"printf", "%s|%s", "a b", "c"};
  ProcessResult result = runner.run(request);
  CHECK(result.exit_code == 0);
  CHECK(result.output == "a b|c");
}

TEST_CASE("the log gets every byte while the in-memory tail stays bounded") {
  TempDir dir;
  constexpr uint64_t k_size = 5 * 1024 * 1024;
  ProcessRequest request =
      shell_request("yes 0123456789 | head -c " + std::to_string(k_size), dir.path);
  request.log_path = dir.path / "logs" / "task" / "run-1" / "unit-test.log";
  request.tail_bytes = 1024;
  ProcessResult result = PosixRunner().run(request);

  CHECK(result.exit_code == 0);
  CHECK(result.output_bytes == k_size);
  CHECK(result.output.size() <= 1024);
  CHECK(result.output.size() > 0);
  CHECK(result.output_truncated);
  REQUIRE(fs::exists(request.log_path));
  CHECK(fs::file_size(request.log_path) == k_size);

  std::ifstream log(request.log_path, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  CHECK(all.ends_with(result.output));
}

TEST_CASE("the log is truncated, not appended to, on a new run") {
  TempDir dir;
  fs::path log_path = dir.path / "stage.log";
  std::ofstream(log_path) << std::string(10000, 'x');
  ProcessRequest request = shell_request("echo fresh", dir.path);
  request.log_path = log_path;
  PosixRunner().run(request);
  std::ifstream log(log_path);
  std::string all((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  CHECK(all == "fresh\n");
}

TEST_CASE("request env entries are added and override the inherited environment") {
  setenv("FACTORY_PROC_TEST_INHERITED", "from-parent", 1);
  setenv("FACTORY_PROC_TEST_OVERRIDDEN", "old", 1);
  ProcessRequest request = shell_request(
      "echo $FACTORY_PROC_TEST_INHERITED $FACTORY_PROC_TEST_OVERRIDDEN $FACTORY_PROC_TEST_NEW",
      fs::current_path());
  request.env = {{"FACTORY_PROC_TEST_OVERRIDDEN", "new"}, {"FACTORY_PROC_TEST_NEW", "added"}};
  ProcessResult result = PosixRunner().run(request);
  CHECK(result.output == "from-parent new added\n");
  unsetenv("FACTORY_PROC_TEST_INHERITED");
  unsetenv("FACTORY_PROC_TEST_OVERRIDDEN");
}

TEST_CASE("a PATH given in the request env is used to find argv[0]") {
  TempDir dir;
  fs::path tool = dir.path / "factory-test-tool";
  std::ofstream(tool) << "#!/bin/sh\necho tool ran\n";
  fs::permissions(tool, fs::perms::owner_all);
  ProcessRequest request;
  request.argv = {"factory-test-tool"};
  request.env = {{"PATH", dir.path.string() + ":/usr/bin:/bin"}};
  ProcessResult result = PosixRunner().run(request);
  CHECK_FALSE(result.spawn_failed);
  CHECK(result.output == "tool ran\n");
}

TEST_CASE("the working directory is request.cwd") {
  TempDir dir;
  ProcessResult result = run_shell("pwd -P", dir.path);
  CHECK(result.output == fs::canonical(dir.path).string() + "\n");
}

TEST_CASE("stdin is /dev/null, so a command reading it ends at once") {
  ProcessResult result = run_shell("cat; readlink /proc/self/fd/0");
  CHECK(result.exit_code == 0);
  CHECK(result.output == "/dev/null\n");
}

TEST_CASE("the child starts with default signal dispositions and an empty mask") {
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);
  ProcessResult result = run_shell("grep -E '^Sig(Ign|Blk)' /proc/self/status");
  sigaction(SIGPIPE, &previous, nullptr);
  // Only the standard signals 1..31: glibc reserves 32 and 33 (sigaction refuses them), so their
  // state is whatever the environment that started the tests had.
  auto standard_bits = [&](const std::string& key) {
    auto at = result.output.find(key + ":\t");
    REQUIRE(at != std::string::npos);
    return std::stoull(result.output.substr(at + key.size() + 2, 16), nullptr, 16) & 0x7fffffffULL;
  };
  CHECK(standard_bits("SigBlk") == 0);
  CHECK(standard_bits("SigIgn") == 0);
}

TEST_CASE("the child leads its own process group") {
  ProcessResult result = run_shell("echo pid=$$; echo \" $(cut -d' ' -f5 /proc/$$/stat)\"");
  auto pids = pids_in(result.output);
  REQUIRE(pids.size() == 1);
  CHECK(result.output.find(" " + std::to_string(pids[0]) + "\n") != std::string::npos);
  CHECK(pids[0] != getpgrp());
}

TEST_CASE("a timeout stops the process with SIGTERM") {
  ProcessRequest request = shell_request("echo pid=$$; exec sleep 30", fs::current_path());
  request.timeout = 300ms;
  ProcessResult result = PosixRunner().run(request);
  CHECK(result.timed_out);
  CHECK_FALSE(result.ok());
  CHECK(result.exit_code == -1);
  CHECK(result.term_signal == SIGTERM);
  CHECK(result.output.starts_with("pid="));
}

TEST_CASE("a process that ignores SIGTERM gets SIGKILL after the grace") {
  ProcessRequest request =
      shell_request("trap '' TERM; sleep 30; echo survived", fs::current_path());
  request.timeout = 300ms;
  ProcessResult result = PosixRunner().run(request);
  CHECK(result.timed_out);
  CHECK(result.term_signal == SIGKILL);
  CHECK(result.output.find("survived") == std::string::npos);
}

TEST_CASE("a hanging stage leaves no process in its group after the timeout") {
  ProcessRequest request = shell_request(
      "sleep 300 & echo pid=$!; sleep 300 & echo pid=$!; echo pid=$$; wait", fs::current_path());
  request.timeout = 300ms;
  ProcessResult result = PosixRunner().run(request);
  CHECK(result.timed_out);
  INFO("output: " << result.output);
  auto pids = pids_in(result.output);
  REQUIRE(pids.size() == 3);
  for (pid_t pid : pids) CHECK(gone_eventually(pid));
  CHECK(live_members_of_group(pids[2]) == 0);
}

TEST_CASE("a daemon that keeps stdout open does not hang the runner and is killed") {
  ProcessResult result = run_shell("sleep 300 & echo pid=$!; echo started");
  CHECK(result.exit_code == 0);
  CHECK_FALSE(result.timed_out);
  CHECK(result.output.find("started") != std::string::npos);
  INFO("output: " << result.output);
  auto pids = pids_in(result.output);
  REQUIRE(pids.size() == 1);
  CHECK(gone_eventually(pids[0]));
}

TEST_CASE("a program that does not exist is a spawn failure, not an exception") {
  PosixRunner runner;
  ProcessRequest request;
  request.argv = {"factory-no-such-program-xyz", "--flag"};
  ProcessResult result = runner.run(request);
  CHECK(result.spawn_failed);
  CHECK(result.exit_code == 127);
  CHECK_FALSE(result.ok());
  CHECK(result.output.find("cannot run factory-no-such-program-xyz") != std::string::npos);
  CHECK(result.output.find("not found") != std::string::npos);
}

TEST_CASE("a missing working directory is a spawn failure that names it, also in the log") {
  TempDir dir;
  ProcessRequest request = shell_request("true", dir.path / "missing");
  request.log_path = dir.path / "logs" / "stage.log";
  ProcessResult result = PosixRunner().run(request);
  CHECK(result.spawn_failed);
  CHECK(result.exit_code == 127);
  CHECK(result.output.find("missing") != std::string::npos);
  std::ifstream log(request.log_path);
  std::string all((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  CHECK(all == result.output);
}

TEST_CASE("a program that is not executable is a spawn failure") {
  TempDir dir;
  fs::path script = dir.path / "not-executable";
  std::ofstream(script) << "#!/bin/sh\n";
  PosixRunner runner;
  ProcessRequest request;
  request.argv = {script.string()};
  ProcessResult result = runner.run(request);
  CHECK(result.spawn_failed);
  CHECK(result.output.find("Permission denied") != std::string::npos);
}

TEST_CASE("a shell's own 'command not found' is the command's exit code, not a spawn failure") {
  ProcessResult result = run_shell("factory-no-such-program-xyz");
  CHECK(result.exit_code == 127);
  CHECK_FALSE(result.spawn_failed);
  CHECK(result.output.find("not found") != std::string::npos);
}

TEST_CASE("an unwritable log does not lose the run") {
  TempDir dir;
  fs::path blocker = dir.path / "file";
  std::ofstream(blocker) << "x";
  ProcessRequest request = shell_request("echo hello", dir.path);
  request.log_path = blocker / "stage.log";  // a regular file is in the way
  ProcessResult result = PosixRunner().run(request);
  CHECK(result.exit_code == 0);
  CHECK(result.output.starts_with("hello\n"));
  CHECK(result.output.find("cannot write log") != std::string::npos);
}
