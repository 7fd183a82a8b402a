#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace factory::proc {

// Receives a process's output: every byte to the log file, only the last bytes kept in memory,
// so memory stays bounded however much a stage prints.
class OutputCapture {
 public:
  // Opens (truncates) the log when log_path is set; parent directories are created.
  OutputCapture(const std::filesystem::path& log_path, size_t tail_bytes);
  ~OutputCapture();
  OutputCapture(const OutputCapture&) = delete;
  OutputCapture& operator=(const OutputCapture&) = delete;

  // Takes one chunk of output.
  void append(std::string_view chunk);

  // Writes a note of factory's own (e.g. why a spawn failed) to the log and the tail.
  void note(std::string_view text);

  // The kept tail, starting on a UTF-8 character boundary.
  std::string take_tail();

  // Bytes the process wrote in total.
  uint64_t total_bytes() const { return m_total; }

  // Whether bytes were dropped from the tail.
  bool truncated() const { return m_truncated; }

  // Why the log could not be written, empty when it was (or none was asked for).
  const std::string& log_error() const { return m_log_error; }

 private:
  void write_log(std::string_view chunk);
  void keep(std::string_view chunk);

  std::filesystem::path m_log_path;
  int m_log_fd = -1;
  size_t m_tail_bytes;
  std::string m_tail;
  uint64_t m_total = 0;
  bool m_truncated = false;
  std::string m_log_error;
};

}  // namespace factory::proc
