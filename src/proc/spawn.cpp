#include "proc/spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

extern char** environ;

namespace factory::proc {

namespace {

// Which step in the child failed; sent back to the parent with errno over a close-on-exec pipe.
enum class ChildStep : int { chdir = 1, exec = 2 };

// What the child reports when it cannot get to exec.
struct ChildFailure {
  ChildStep step;
  int error;
};

// The inherited environment with the request's entries added or overriding.
std::vector<std::string> build_environment(const core::ProcessRequest& request) {
  std::map<std::string, std::string, std::less<>> entries;
  std::vector<std::string> order;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::string name(entry.substr(0, entry.find('=')));
    if (entries.emplace(name, std::string(entry)).second) order.push_back(name);
  }
  for (const auto& [name, value] : request.env) {
    auto [it, added] = entries.insert_or_assign(name, name + "=" + value);
    if (added) order.push_back(name);
  }
  std::vector<std::string> result;
  result.reserve(order.size());
  for (const auto& name : order) result.push_back(entries.at(name));
  return result;
}

// Where execve should look for argv[0], like execvp but using the child's own PATH.
std::vector<std::string> exec_candidates(const std::string& program,
                                         const std::vector<std::string>& environment) {
  if (program.find('/') != std::string::npos) return {program};
  std::string_view path = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& entry : environment) {
    if (entry.starts_with("PATH=")) path = std::string_view(entry).substr(5);
  }
  std::vector<std::string> candidates;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view dir = path.substr(start, end - start);
    candidates.push_back(fmt::format("{}/{}", dir.empty() ? "." : dir, program));
    start = end + 1;
  }
  return candidates;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& s : strings) pointers.push_back(s.data());
  pointers.push_back(nullptr);
  return pointers;
}

// Runs in the forked child: async-signal-safe calls only, everything allocated beforehand.
[[noreturn]] void exec_in_child(int dev_null, int output_w, int report_w, const char* cwd,
                                const std::vector<char*>& candidates, char* const* argv,
                                char* const* envp) {
  setpgid(0, 0);
  // Handlers don't survive exec but ignored signals and the mask do; the stage gets a clean slate.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);

  dup2(dev_null, STDIN_FILENO);
  dup2(output_w, STDOUT_FILENO);
  dup2(output_w, STDERR_FILENO);
  // factory's own descriptors (state db, other logs) must not leak into a long-lived daemon.
  close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);

  ChildFailure failure{ChildStep::exec, ENOENT};
  if (cwd[0] != '\0' && chdir(cwd) != 0) {
    failure = {ChildStep::chdir, errno};
  } else {
    bool denied = false;
    for (char* candidate : candidates) {
      if (candidate == nullptr) break;
      execve(candidate, argv, envp);
      failure.error = errno;
      if (errno == EACCES) denied = true;
      if (errno != ENOENT && errno != ENOTDIR && errno != EACCES) break;
    }
    // Like execvp: a program found but not executable beats "not found" further down PATH.
    if (denied && (failure.error == ENOENT || failure.error == ENOTDIR)) failure.error = EACCES;
  }
  ssize_t ignored = write(report_w, &failure, sizeof failure);
  (void)ignored;
  _exit(127);
}

std::string describe(const core::ProcessRequest& request, const ChildFailure& failure) {
  const std::string& program = request.argv.front();
  if (failure.step == ChildStep::chdir)
    return fmt::format("cannot run {}: working directory {}: {}", program, request.cwd.string(),
                       std::strerror(failure.error));
  if (failure.error == ENOENT && program.find('/') == std::string::npos)
    return fmt::format("cannot run {}: command not found on PATH", program);
  return fmt::format("cannot run {}: {}", program, std::strerror(failure.error));
}

// Owns one descriptor; closes it when the spawn returns, whatever the path.
class UniqueFd {
 public:
  UniqueFd() = default;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }
  int* out() { return &m_fd; }
  int get() const { return m_fd; }
  int release() { return std::exchange(m_fd, -1); }
  void reset() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }

 private:
  int m_fd = -1;
};

// A close-on-exec pipe, so a concurrent spawn on another thread cannot inherit our ends.
bool open_pipe(UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  *read_end.out() = fds[0];
  *write_end.out() = fds[1];
  return true;
}

// Blocks until the child has exec'd (EOF) or reported why it could not.
bool read_failure(int fd, ChildFailure& failure) {
  ssize_t got;
  do {
    got = ::read(fd, &failure, sizeof failure);
  } while (got < 0 && errno == EINTR);
  return got == static_cast<ssize_t>(sizeof failure);
}

}  // namespace

SpawnedChild spawn_child(const core::ProcessRequest& request) {
  SpawnedChild child;
  if (request.argv.empty() || request.argv.front().empty()) {
    child.error = "cannot run: empty command";
    return child;
  }
  std::vector<std::string> argv_strings = request.argv;
  std::vector<std::string> env_strings = build_environment(request);
  std::vector<std::string> candidate_strings = exec_candidates(request.argv.front(), env_strings);
  std::vector<char*> argv = c_strings(argv_strings);
  std::vector<char*> envp = c_strings(env_strings);
  std::vector<char*> candidates = c_strings(candidate_strings);
  std::string cwd = request.cwd.string();

  UniqueFd dev_null, output_r, output_w, report_r, report_w;
  *dev_null.out() = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (dev_null.get() < 0 || !open_pipe(output_r, output_w) || !open_pipe(report_r, report_w)) {
    child.error = fmt::format("cannot run {}: {}", request.argv.front(), std::strerror(errno));
    return child;
  }

  pid_t pid = fork();
  if (pid == 0)
    exec_in_child(dev_null.get(), output_w.get(), report_w.get(), cwd.c_str(), candidates,
                  argv.data(), envp.data());
  if (pid < 0) {
    child.error =
        fmt::format("cannot run {}: fork: {}", request.argv.front(), std::strerror(errno));
    return child;
  }
  setpgid(pid, pid);  // also from the parent, so the group exists before we ever signal it
  output_w.reset();   // only the child may hold the write ends, or EOF would never come
  report_w.reset();

  ChildFailure failure{};
  if (read_failure(report_r.get(), failure)) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    child.error = describe(request, failure);
    return child;
  }
  fcntl(output_r.get(), F_SETFL, fcntl(output_r.get(), F_GETFL) | O_NONBLOCK);
  child.pid = pid;
  child.output_fd = output_r.release();
  return child;
}

}  // namespace factory::proc
