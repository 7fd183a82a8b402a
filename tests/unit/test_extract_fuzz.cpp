// Fuzz-ish: thousands of lines from the real corpus logs (tests/corpus/), mutated the way logs get
// damaged (cut mid-line, stray bytes, glued lines, huge numbers, very long lines), fed to the
// extractor. Nothing may throw, the findings stay bounded and serialisable, and how the input is
// split into reads (a pipe delivering random-sized pieces) does not change what is found.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "extract/extractor.hpp"
#include "extract/finding_json.hpp"

namespace fs = std::filesystem;
using namespace factory::extract;

namespace {

constexpr unsigned k_seed = 20261122;
constexpr int k_logs = 120;
constexpr size_t k_max_findings = 40;

// Every line of tests/corpus/<tool>/*.log and the errorformat inputs, when present.
std::vector<std::string> corpus_lines() {
  std::vector<std::string> lines;
  const fs::path corpus = fs::path(FACTORY_SOURCE_DIR) / "tests" / "corpus";
  if (!fs::exists(corpus)) return lines;
  for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
    const auto ext = entry.path().extension();
    if (!entry.is_regular_file() || (ext != ".log" && ext != ".in")) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  return lines;
}

// One damaged line: the ways CI logs really break, chosen at random.
std::string mutate(std::string line, const std::vector<std::string>& pool, std::mt19937& random) {
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : random() % n; };
  static const std::string k_bytes[] = {std::string(1, '\0'),
                                        "\x1b",
                                        "\x1b[31m",
                                        "\x1b[0m",
                                        "\r",
                                        "\xff",
                                        "\xc3",
                                        "\t",
                                        ":",
                                        "(",
                                        "\"",
                                        "{\"",
                                        "\\"};
  switch (random() % 10) {
    case 0:  // cut mid-line
      return line.substr(0, pick(line.size() + 1));
    case 1:  // a stray byte somewhere
      return line.insert(pick(line.size() + 1), k_bytes[pick(std::size(k_bytes))]);
    case 2:  // two streams glued on one line
      return line.substr(0, pick(line.size() + 1)) + pool[pick(pool.size())];
    case 3:  // numbers too large for an int
      for (auto& c : line) {
        if (c >= '1' && c <= '9') c = '9';
      }
      return std::string("99999999999999999999") + line;
    case 4:  // a very long line
      return line + std::string(50'000 + pick(100'000), static_cast<char>('a' + pick(26)));
    case 5:  // coloured
      return "\x1b[1;31m" + line + "\x1b[0m";
    case 6:  // CRLF
      return line + "\r";
    default:
      return line;
  }
}

std::string make_log(const std::vector<std::string>& pool, std::mt19937& random) {
  std::string log;
  const size_t lines = 10 + random() % 60;
  for (size_t i = 0; i < lines; ++i) {
    log += mutate(pool[random() % pool.size()], pool, random);
    if (i + 1 < lines || random() % 4 != 0) log += '\n';  // sometimes no final newline
  }
  return log;
}

Options bounded() {
  Options options;
  options.max_findings = k_max_findings;
  return options;
}

// The parts of a finding that do not depend on where reads happened to end, one string each
// (the message shortened, with its length, so a failure prints readably).
std::vector<std::string> located(const Extraction& extraction) {
  std::vector<std::string> out;
  for (const auto& f : extraction.findings) {
    out.push_back(fmt::format("{} {} {}:{}:{} [{}] ({} bytes) {}", f.tool,
                              severity_name(f.severity), f.file, f.line, f.column, f.code,
                              f.message.size(), f.message.substr(0, 120)));
  }
  return out;
}

// Feeds the log through a pipe in random-sized writes, so reads end at arbitrary bytes.
Extraction through_pipe(const std::string& log, unsigned seed) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::thread writer([&, fd = fds[1]] {
    std::mt19937 random(seed);
    for (size_t at = 0; at < log.size();) {
      size_t n = std::min<size_t>(log.size() - at, 1 + random() % 9000);
      ssize_t written = write(fd, log.data() + at, n);
      if (written <= 0) break;
      at += static_cast<size_t>(written);
    }
    close(fd);
  });
  Extraction extraction;
  try {
    extraction = extract_fd(fds[0], bounded());
  } catch (...) {
    close(fds[0]);
    writer.join();
    throw;
  }
  close(fds[0]);
  writer.join();
  return extraction;
}

void check_sane(const Extraction& extraction, const std::string& log) {
  CHECK(extraction.findings.size() <= k_max_findings);
  CHECK(!extraction.summary.empty());
  if (extraction.findings.empty()) {
    CHECK(extraction.summary.find("no error recognised") != std::string::npos);
  }
  for (const auto& f : extraction.findings) {
    CHECK(f.line >= 0);
    CHECK(f.column >= 0);
    CHECK(f.message.find('\x1b') == std::string::npos);
    CHECK(f.context.size() <= 10);
    for (const auto& line : f.context) CHECK(line.size() <= 4096);
  }
  CHECK(extraction.bytes == log.size());
  auto parsed = nlohmann::json::parse(dump_json(to_json(extraction)), nullptr, false);
  CHECK(!parsed.is_discarded());
}

}  // namespace

TEST_CASE("mutated corpus lines never throw, stay bounded and serialise") {
  const auto pool = corpus_lines();
  if (pool.empty()) {
    MESSAGE("no tests/corpus logs: nothing to mutate");
    return;
  }
  std::mt19937 random(k_seed);
  size_t lines = 0;
  for (int i = 0; i < k_logs; ++i) {
    const std::string log = make_log(pool, random);
    lines += static_cast<size_t>(std::count(log.begin(), log.end(), '\n'));
    CAPTURE(i);
    Extraction extraction;
    REQUIRE_NOTHROW(extraction = extract_text(log, bounded()));
    check_sane(extraction, log);
  }
  CHECK(lines > 2000);
}

TEST_CASE("where reads end does not change the findings") {
  const auto pool = corpus_lines();
  if (pool.empty()) return;
  std::mt19937 random(k_seed + 1);
  // Logs larger than the extractor's first read (64 KB), so the pipe's pieces reach the reader.
  for (int i = 0; i < 6; ++i) {
    std::string log;
    while (log.size() < (300u << 10)) log += make_log(pool, random);
    CAPTURE(i);
    const Extraction whole = extract_text(log, bounded());
    Extraction piecewise;
    REQUIRE_NOTHROW(piecewise = through_pipe(log, k_seed + static_cast<unsigned>(i)));
    check_sane(piecewise, log);
    const auto got = located(piecewise), want = located(whole);
    CHECK(got.size() == want.size());
    for (size_t n = 0; n < std::min(got.size(), want.size()); ++n) {
      CAPTURE(n);
      CHECK(got[n] == want[n]);
    }
  }
}
