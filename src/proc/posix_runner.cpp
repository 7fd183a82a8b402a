#include "proc/posix_runner.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>

#include "proc/interrupt.hpp"
#include "proc/output_capture.hpp"
#include "proc/spawn.hpp"

namespace factory::proc {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Time a group gets between SIGTERM and SIGKILL (the design allows at most 5 s).
constexpr milliseconds k_kill_grace{2000};
// How long to keep reading after the main process exited and its group was killed: only a
// process that left the group (setsid) can still hold the pipe, and we don't wait for it.
constexpr milliseconds k_drain_after_exit{500};
// Longest sleep in poll(): bounds how late a Ctrl-C delivered to another thread is noticed.
constexpr milliseconds k_poll_tick{100};
// Poll tick when the kernel offers no pidfd to wake us when the child exits.
constexpr milliseconds k_exit_check_tick{10};
constexpr size_t k_read_chunk = 64 * 1024;

// A descriptor that becomes readable when the child exits; -1 when the kernel has none.
int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

// Watches one spawned child and its group until the child ended and its output is drained.
class Supervisor {
 public:
  Supervisor(const SpawnedChild& child, const core::ProcessRequest& request, OutputCapture& capture,
             core::ProcessResult& result, Clock::time_point start)
      : m_pid(child.pid),
        m_output_fd(child.output_fd),
        m_pidfd(open_pidfd(child.pid)),
        m_capture(capture),
        m_result(result) {
    if (request.timeout.count() > 0) m_deadline = start + request.timeout;
  }
  ~Supervisor() {
    if (m_output_fd >= 0) ::close(m_output_fd);
    if (m_pidfd >= 0) ::close(m_pidfd);
  }
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  void run() {
    while (true) {
      Clock::time_point now = Clock::now();
      if (!m_exited) enforce_limits(now);
      if (!m_exited && check_exit()) m_drain_until = Clock::now() + k_drain_after_exit;
      if (m_exited && (m_output_fd < 0 || Clock::now() >= *m_drain_until)) return;
      wait_for_events(poll_timeout(Clock::now()));
    }
  }

 private:
  // Timeout and Ctrl-C both stop the group: SIGTERM first, SIGKILL after the grace.
  void enforce_limits(Clock::time_point now) {
    if (!m_kill_at) {
      if (interrupt_requested()) {
        m_result.interrupted = true;
      } else if (m_deadline && now >= *m_deadline) {
        m_result.timed_out = true;
      } else {
        return;
      }
      kill(-m_pid, SIGTERM);
      m_kill_at = now + k_kill_grace;
    } else if (!m_killed && now >= *m_kill_at) {
      kill(-m_pid, SIGKILL);
      m_killed = true;
    }
  }

  // Whether the main process ended. Its group is killed before it is reaped: while it is a
  // zombie its pid, and so the group id, cannot be reused by an unrelated process.
  bool check_exit() {
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(m_pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
      return false;
    if (info.si_pid != m_pid) return false;
    kill(-m_pid, SIGKILL);
    int status = 0;
    while (waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
      m_result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      m_result.term_signal = WTERMSIG(status);
    }
    m_exited = true;
    return true;
  }

  int poll_timeout(Clock::time_point now) const {
    milliseconds wait = k_poll_tick;
    if (!m_exited && m_pidfd < 0) wait = k_exit_check_tick;
    for (const auto& at : {m_deadline, m_kill_at, m_drain_until}) {
      if (at) wait = std::min(wait, std::chrono::ceil<milliseconds>(*at - now));
    }
    return static_cast<int>(std::max(wait, milliseconds{0}).count());
  }

  // Sleeps until output arrives, the child exits, a deadline passes or a signal lands.
  void wait_for_events(int timeout_ms) {
    std::array<pollfd, 2> fds{};
    nfds_t count = 0;
    if (m_output_fd >= 0) fds[count++] = {m_output_fd, POLLIN, 0};
    if (!m_exited && m_pidfd >= 0) fds[count++] = {m_pidfd, POLLIN, 0};
    if (poll(fds.data(), count, timeout_ms) <= 0) return;
    if (m_output_fd >= 0 && fds[0].revents != 0) read_output();
  }

  void read_output() {
    std::array<char, k_read_chunk> buffer;
    ssize_t n = ::read(m_output_fd, buffer.data(), buffer.size());
    if (n > 0) {
      m_capture.append(std::string_view(buffer.data(), static_cast<size_t>(n)));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      ::close(m_output_fd);  // EOF: every writer is gone
      m_output_fd = -1;
    }
  }

  pid_t m_pid;
  int m_output_fd;
  int m_pidfd;
  OutputCapture& m_capture;
  core::ProcessResult& m_result;
  bool m_exited = false;
  bool m_killed = false;
  std::optional<Clock::time_point> m_deadline;
  std::optional<Clock::time_point> m_kill_at;
  std::optional<Clock::time_point> m_drain_until;
};

}  // namespace

core::ProcessResult PosixRunner::run(const core::ProcessRequest& request) {
  Clock::time_point start = Clock::now();
  core::ProcessResult result;
  OutputCapture capture(request.log_path, request.tail_bytes);
  if (interrupt_requested()) {
    // Ctrl-C already arrived: starting the stage only to kill it would be worse.
    result.interrupted = true;
  } else if (SpawnedChild child = spawn_child(request); child.pid < 0) {
    result.spawn_failed = true;
    result.exit_code = 127;
    capture.note(child.error + "\n");
  } else {
    Supervisor(child, request, capture, result, start).run();
  }
  if (!capture.log_error().empty()) {
    capture.note("factory: cannot write log " + request.log_path.string() + ": " +
                 capture.log_error() + "\n");
  }
  result.output = capture.take_tail();
  result.output_truncated = capture.truncated();
  result.output_bytes = capture.total_bytes();
  result.duration = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  return result;
}

}  // namespace factory::proc
