#pragma once

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

namespace factory::report {

// A one-line spinner with elapsed time on stderr, shown only on a TTY; otherwise silent.
class Progress {
 public:
  explicit Progress(std::FILE* stream = stderr);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Shows `label` with a spinner until stop().
  void start(std::string label);
  // Clears the line.
  void stop();

 private:
  void loop();

  std::FILE* m_stream;
  bool m_enabled;
  std::atomic<bool> m_running{false};
  std::thread m_thread;
  std::mutex m_mutex;
  std::string m_label;
};

}  // namespace factory::report
