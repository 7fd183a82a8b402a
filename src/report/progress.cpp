#include "report/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <chrono>

namespace factory::report {

namespace {
constexpr std::array<std::string_view, 4> k_frames = {"|", "/", "-", "\\"};
constexpr auto k_tick = std::chrono::milliseconds(100);
}  // namespace

Progress::Progress(std::FILE* stream) : m_stream(stream), m_enabled(isatty(fileno(stream)) != 0) {}

Progress::~Progress() {
  stop();
}

void Progress::start(std::string label) {
  stop();
  if (!m_enabled) return;
  {
    std::lock_guard lock(m_mutex);
    m_label = std::move(label);
  }
  m_running = true;
  m_thread = std::thread([this] { loop(); });
}

void Progress::stop() {
  if (!m_running.exchange(false)) return;
  if (m_thread.joinable()) m_thread.join();
  fmt::print(m_stream, "\r\033[K");
  std::fflush(m_stream);
}

void Progress::loop() {
  auto started = std::chrono::steady_clock::now();
  size_t frame = 0;
  while (m_running) {
    auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
    {
      std::lock_guard lock(m_mutex);
      fmt::print(m_stream, "\r\033[K{} {} {:.1f}s", k_frames[frame++ % k_frames.size()], m_label,
                 elapsed.count());
    }
    std::fflush(m_stream);
    std::this_thread::sleep_for(k_tick);
  }
}

}  // namespace factory::report
