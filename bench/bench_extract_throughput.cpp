// Extraction throughput: the real `factory extract --format json FILE` on a generated 100 MB build
// log with one gcc error buried in the middle, against `grep -cE 'error|FAIL|panic'` over the same
// file in the same run; then one run on a ~1 GB log to show that peak memory does not grow with
// the log. The noise is what a CI log is made of (timestamps, key=value pairs, passing tests,
// progress lines, the words "error" and "warning" in harmless places, ANSI colour), so a matcher
// that fires on keywords pays for it here.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support.hpp"

namespace fs = std::filesystem;
using Clock = bench::Clock;

namespace {

constexpr double k_mib = 1024.0 * 1024.0;
constexpr int k_default_rounds = 5;
constexpr uint64_t k_default_mib = 100;
constexpr uint64_t k_default_big_mib = 1024;
constexpr double k_target_mb_s = 200;
constexpr double k_target_rss_mb = 32;

// What the buried error must come back as.
constexpr const char* k_error_file = "src/x.cpp";
constexpr int k_error_line = 12;
constexpr int k_error_column = 5;
constexpr const char* k_error_word = "undeclared_helper";

// One finished child: wall time, peak RSS, how it ended.
struct Run {
  double seconds = 0;
  double peak_rss_mb = 0;
  int status = -1;
  size_t findings = 0;  // factory only: how many findings it returned
};

// Runs argv in the scratch dir (outside any repository, so no .factory.toml patterns apply) with
// stdout to `out` and stderr to `err`.
Run spawn_measured(const std::vector<std::string>& args, const fs::path& out, const fs::path& err) {
  const bench::Child child = bench::spawn_child(args, out.parent_path(), out, err);
  return {child.ms / 1000.0, child.peak_rss_mb, child.status};
}

// Writes the synthetic log: noise, the gcc error at half the size, the make line that it caused
// at three quarters, noise to the end. Deterministic (fixed seed), so runs are comparable.
class LogWriter {
 public:
  explicit LogWriter(const fs::path& file) : m_out(file, std::ios::binary) {}

  void write(uint64_t total_bytes) {
    noise_until(total_bytes / 2);
    append(
        "[ 50%] Building CXX object src/CMakeFiles/app.dir/x.cpp.o\n"
        "src/x.cpp: In function 'int main()':\n"
        "src/x.cpp:12:5: error: 'undeclared_helper' was not declared in this scope\n"
        "   12 |     undeclared_helper(42);\n"
        "      |     ^~~~~~~~~~~~~~~~~\n");
    noise_until(total_bytes / 4 * 3);
    append(
        "make[2]: *** [src/CMakeFiles/app.dir/build.make:76: src/CMakeFiles/app.dir/x.cpp.o] "
        "Error 1\n"
        "make[1]: *** [CMakeFiles/Makefile2:83: src/CMakeFiles/app.dir/all] Error 2\n"
        "make: *** [Makefile:3: all] Error 1\n");
    noise_until(total_bytes);
    flush();
  }

 private:
  uint64_t next() {  // xorshift64: fast, and the same log every run
    m_state ^= m_state << 13;
    m_state ^= m_state >> 7;
    m_state ^= m_state << 17;
    return m_state;
  }
  int pick(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }

  void append(std::string_view text) {
    m_buffer.append(text);
    m_written += text.size();
    if (m_buffer.size() > (1u << 20)) flush();
  }
  void flush() {
    m_out.write(m_buffer.data(), static_cast<std::streamsize>(m_buffer.size()));
    m_buffer.clear();
  }

  void noise_until(uint64_t bytes) {
    while (m_written < bytes) noise_line();
  }

  void noise_line() {
    const int h = pick(24), m = pick(60), s = pick(60), n = pick(100000), p = pick(101);
    auto out = std::back_inserter(m_line);
    m_line.clear();
    switch (pick(12)) {
      case 0:
        fmt::format_to(out,
                       "2026-11-22T{:02}:{:02}:{:02}.{:03}Z INFO  [worker-{}] request handled "
                       "method=GET path=/api/v1/items/{} status=200 duration_ms={} errors=0\n",
                       h, m, s, n % 1000, n % 8, n, p);
        break;
      case 1:
        fmt::format_to(out,
                       "{:02}:{:02}:{:02} DEBUG cache lookup key=user:{} hit={} size={} "
                       "warnings=0\n",
                       h, m, s, n, p % 2 ? "true" : "false", n % 4096);
        break;
      case 2:
        fmt::format_to(out, "tests/test_api.py::test_x_{} PASSED{:>40}[{:3}%]\n", n, "", p);
        break;
      case 3:
        fmt::format_to(out, "[{:3}%] Building CXX object src/CMakeFiles/core.dir/module_{}.cpp.o\n",
                       p, n % 500);
        break;
      case 4:
        fmt::format_to(out, "ok  \texample.com/pkg/sub{}\t0.{:02}s\n", n % 300, p % 100);
        break;
      case 5:
        fmt::format_to(out,
                       "INFO {:02}:{:02}:{:02} retry policy on_error=retry max_attempts=3 "
                       "error_rate=0.{:02} last_error=none\n",
                       h, m, s, p % 100);
        break;
      case 6:
        fmt::format_to(out,
                       "DEBUG {:02}:{:02}:{:02} flags -Wall -Wextra -Werror=return-type "
                       "-Wno-error=deprecated warning_count=0 unit=module_{}\n",
                       h, m, s, n % 500);
        break;
      case 7:
        fmt::format_to(out, "test_x_{} PASSED\n", n);
        break;
      case 8:
        fmt::format_to(out,
                       "\x1b[1;34mINFO\x1b[0m {:02}:{:02}:{:02} server listening port={} "
                       "\x1b[32mready\x1b[0m\n",
                       h, m, s, 8000 + n % 1000);
        break;
      case 9:
        fmt::format_to(out, "[       OK ] ParserTest.HandlesCase{} ({} ms)\n", n, p);
        break;
      case 10:
        fmt::format_to(out,
                       "{:02}:{:02}:{:02} INFO summary: {} checks, 0 errors, 0 warnings, "
                       "error handling enabled\n",
                       h, m, s, n % 900);
        break;
      default:
        fmt::format_to(out, "{:02}:{:02}:{:02} DEBUG gc pause_ms={} heap_mb={} objects={}\n", h, m,
                       s, p, n % 2048, n);
        break;
    }
    append(m_line);
  }

  std::ofstream m_out;
  std::string m_buffer;
  std::string m_line;
  uint64_t m_written = 0;
  uint64_t m_state = 0x9E3779B97F4A7C15ull;
};

// Runs factory once and checks that it found the buried error first; exits loudly otherwise,
// since a fast extractor that misses the error measures nothing.
Run run_factory(const fs::path& factory, const fs::path& log, const fs::path& scratch) {
  const fs::path out = scratch / "extract.json", err = scratch / "extract.err";
  Run run =
      spawn_measured({factory.string(), "extract", "--format", "json", log.string()}, out, err);
  if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) > 1) {
    bench::fail(fmt::format("`factory extract` ended with status {:#x}: {}", run.status,
                            bench::read_file(err).substr(0, 400)));
  }
  nlohmann::json doc = nlohmann::json::parse(bench::read_file(out), nullptr, false);
  if (doc.is_discarded() || !doc.contains("findings") || doc["findings"].empty()) {
    bench::fail("`factory extract` returned no findings (stdout: " +
                bench::read_file(out).substr(0, 400) + ")");
  }
  const auto& first = doc["findings"][0];
  const std::string message = first.value("message", "");
  if (first.value("file", "") != k_error_file || first.value("line", 0) != k_error_line ||
      first.value("column", 0) != k_error_column ||
      message.find(k_error_word) == std::string::npos) {
    bench::fail(fmt::format("the first finding is not the buried gcc error {}:{}:{}; it is {}",
                            k_error_file, k_error_line, k_error_column,
                            first.dump().substr(0, 400)));
  }
  run.findings = doc["findings"].size();
  return run;
}

Run run_grep(const fs::path& log, const fs::path& scratch) {
  const fs::path out = scratch / "grep.out";
  Run run =
      spawn_measured({"grep", "-cE", "error|FAIL|panic", log.string()}, out, scratch / "grep.err");
  if (!WIFEXITED(run.status) || WEXITSTATUS(run.status) != 0 ||
      std::atoll(bench::read_file(out).c_str()) < 1) {
    bench::fail("grep found nothing in the log: " + bench::read_file(out));
  }
  return run;
}

fs::path make_log(const fs::path& scratch, uint64_t mib) {
  const fs::path log = scratch / fmt::format("build-{}mb.log", mib);
  auto start = Clock::now();
  LogWriter(log).write(mib * (1ull << 20));
  fmt::print("  generated {} ({:.0f} MB) in {:.1f} s\n", log.filename().string(),
             static_cast<double>(fs::file_size(log)) / k_mib,
             std::chrono::duration<double>(Clock::now() - start).count());
  return log;
}

void print_verdict(const std::string& what, double value, double target, bool at_most) {
  const bool ok = at_most ? value <= target : value >= target;
  fmt::print("  {:<26} {:8.1f}   (target {} {:.0f}) {}\n", what, value,
             at_most ? "<=" : ">=", target, ok ? "ok" : "MISSED");
}

// The 100 MB log: interleaved rounds (each times factory and grep once, after an untimed warm-up
// that also checks the result). Returns factory's peak RSS.
double bench_main_log(const fs::path& factory, const fs::path& scratch, uint64_t mib, int rounds) {
  const fs::path log = make_log(scratch, mib);
  const double size_mb = static_cast<double>(fs::file_size(log)) / k_mib;
  run_factory(factory, log, scratch);
  run_grep(log, scratch);
  std::vector<double> factory_s, grep_s;
  double rss = 0, grep_rss = 0;
  size_t factory_findings = 0;
  for (int round = 0; round < rounds; ++round) {
    Run f = run_factory(factory, log, scratch);
    Run g = run_grep(log, scratch);
    factory_s.push_back(f.seconds);
    grep_s.push_back(g.seconds);
    rss = std::max(rss, f.peak_rss_mb);
    factory_findings = f.findings;
    grep_rss = std::max(grep_rss, g.peak_rss_mb);
  }
  const double f = bench::median(factory_s), g = bench::median(grep_s);
  const auto [f_low, f_high] = std::minmax_element(factory_s.begin(), factory_s.end());
  fmt::print(
      "  factory extract --format json  {:7.3f} s (min {:.3f}, max {:.3f})  {:7.1f} MB/s  "
      "peak RSS {:.1f} MB\n",
      f, *f_low, *f_high, size_mb / f, rss);
  fmt::print(
      "  grep -cE 'error|FAIL|panic'    {:7.3f} s                          {:7.1f} MB/s  "
      "peak RSS {:.1f} MB\n",
      g, size_mb / g, grep_rss);
  fmt::print("  first finding: {}:{}:{} (the buried gcc error) ok; {} findings in all\n",
             k_error_file, k_error_line, k_error_column, factory_findings);
  print_verdict("throughput (MB/s)", size_mb / f, k_target_mb_s, false);
  print_verdict("peak RSS (MB)", rss, k_target_rss_mb, true);
  fmt::print("  {:<26} {:8.2f}x  (factory time / grep time; no target)\n", "ratio to grep", f / g);
  fs::remove(log);
  return rss;
}

// One run on the big log: memory must stay flat whatever the size.
void bench_big_log(const fs::path& factory, const fs::path& scratch, uint64_t mib,
                   double small_rss) {
  const fs::path log = make_log(scratch, mib);
  const double size_mb = static_cast<double>(fs::file_size(log)) / k_mib;
  Run f = run_factory(factory, log, scratch);
  Run g = run_grep(log, scratch);
  fmt::print(
      "  factory extract --format json  {:7.3f} s  {:7.1f} MB/s  peak RSS {:.1f} MB  "
      "(grep {:.3f} s, ratio {:.2f}x)\n",
      f.seconds, size_mb / f.seconds, f.peak_rss_mb, g.seconds, f.seconds / g.seconds);
  print_verdict("peak RSS (MB)", f.peak_rss_mb, k_target_rss_mb, true);
  fmt::print("  {:<26} {:8.2f}x  ({:.1f} MB here vs {:.1f} MB on the small log)\n", "RSS growth",
             f.peak_rss_mb / small_rss, f.peak_rss_mb, small_rss);
  fs::remove(log);
}

}  // namespace

// Usage: bench_extract_throughput [--factory PATH] [--rounds N] [--mb N] [--big-mb N (0: skip)]
int main(int argc, char** argv) {
  fs::path factory_bin = bench::default_factory_bin(argv[0]);
  int rounds = k_default_rounds;
  uint64_t mib = k_default_mib, big_mib = k_default_big_mib;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--factory") factory_bin = fs::absolute(argv[i + 1]);
    if (flag == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--mb") mib = std::max<uint64_t>(1, std::strtoull(argv[i + 1], nullptr, 10));
    if (flag == "--big-mb") big_mib = std::strtoull(argv[i + 1], nullptr, 10);
  }
  if (!fs::exists(factory_bin)) bench::fail("no factory binary at " + factory_bin.string());
  const fs::path scratch =
      fs::temp_directory_path() / fmt::format("factory-extract-bench-{}", getpid());
  fs::create_directories(scratch);
  fmt::print(
      "factory extract throughput: {} MB build log, gcc error buried in the middle; median "
      "of {} interleaved rounds with grep (MB = 2^20 bytes)\n",
      mib, rounds);
  const double rss = bench_main_log(factory_bin, scratch, mib, rounds);
  if (big_mib > 0) {
    fmt::print("factory extract on a {} MB log (one run: memory must not grow with the log)\n",
               big_mib);
    bench_big_log(factory_bin, scratch, big_mib, rss);
  }
  fs::remove_all(scratch);
  return 0;
}
