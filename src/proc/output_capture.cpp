#include "proc/output_capture.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace factory::proc {

OutputCapture::OutputCapture(const std::filesystem::path& log_path, size_t tail_bytes)
    : m_log_path(log_path), m_tail_bytes(tail_bytes) {
  if (log_path.empty()) return;
  std::error_code ec;
  if (log_path.has_parent_path()) std::filesystem::create_directories(log_path.parent_path(), ec);
  m_log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (m_log_fd < 0) m_log_error = std::strerror(errno);
}

OutputCapture::~OutputCapture() {
  if (m_log_fd >= 0) ::close(m_log_fd);
}

void OutputCapture::append(std::string_view chunk) {
  m_total += chunk.size();
  write_log(chunk);
  keep(chunk);
}

void OutputCapture::note(std::string_view text) {
  write_log(text);
  keep(text);
}

void OutputCapture::write_log(std::string_view chunk) {
  while (m_log_fd >= 0 && !chunk.empty()) {
    ssize_t n = ::write(m_log_fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // A full disk must not stop the stage; the tail still holds the end of the output.
      m_log_error = n < 0 ? std::strerror(errno) : "short write";
      ::close(m_log_fd);
      m_log_fd = -1;
      return;
    }
    chunk.remove_prefix(static_cast<size_t>(n));
  }
}

void OutputCapture::keep(std::string_view chunk) {
  if (chunk.size() >= m_tail_bytes) {
    m_truncated = m_truncated || !m_tail.empty() || chunk.size() > m_tail_bytes;
    m_tail.assign(chunk.substr(chunk.size() - m_tail_bytes));
    return;
  }
  m_tail.append(chunk);
  // Trim only once the buffer doubles, so trimming costs O(1) per byte on average.
  if (m_tail.size() >= 2 * m_tail_bytes) {
    m_tail.erase(0, m_tail.size() - m_tail_bytes);
    m_truncated = true;
  }
}

std::string OutputCapture::take_tail() {
  if (m_tail.size() > m_tail_bytes) {
    m_tail.erase(0, m_tail.size() - m_tail_bytes);
    m_truncated = true;
  }
  // A cut can land inside a multi-byte character; drop its orphaned continuation bytes.
  if (m_truncated) {
    size_t skip = 0;
    while (skip < 3 && skip < m_tail.size() &&
           (static_cast<unsigned char>(m_tail[skip]) & 0xC0) == 0x80) {
      ++skip;
    }
    m_tail.erase(0, skip);
  }
  return std::move(m_tail);
}

}  // namespace factory::proc
