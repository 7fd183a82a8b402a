#include "coverage/readers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/lines.hpp"
#include "coverage/format_readers.hpp"
#include "coverage/source_functions.hpp"

namespace factory::coverage {

namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t k_max_source_bytes = 16 << 20;  // larger files get no derived functions

std::optional<std::string> read_text(const fs::path& file, std::uintmax_t limit) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec) || fs::file_size(file, ec) > limit) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The workspace source of a report path, when it is there and small enough to scan.
std::optional<std::string> read_source(const PathMapper& mapper, const std::string& path) {
  fs::path source_path = mapper.source_file(path);
  if (source_path.empty()) return std::nullopt;
  return read_text(source_path, k_max_source_bytes);
}

// Functions the report lacks are derived from the source; unknown ends are filled in; Go
// lines that hold no code are dropped.
void complete_files(Report& report, const PathMapper& mapper) {
  for (auto& [path, file] : report.files) {
    bool go = report.format == Format::go_profile;
    std::optional<std::string> source;
    if (go || file.functions.empty()) source = read_source(mapper, path);
    if (source && go) drop_non_code_go_lines(*source, file.lines);
    if (source && file.functions.empty())
      file.functions = derive_functions(path, *source, file.lines);
    fill_function_ends(file);
  }
}

std::string_view without_bom(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

std::string_view skip_space_and_bom(std::string_view head) {
  head = without_bom(head);
  while (!head.empty() && (head.front() == ' ' || head.front() == '\t' || head.front() == '\r' ||
                           head.front() == '\n')) {
    head.remove_prefix(1);
  }
  return head;
}

void check_not_directory(const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) {
    throw core::Error(core::ExitCode::usage,
                      fmt::format("{} is a directory, not a coverage report", file.string()),
                      "name the report file");
  }
}

}  // namespace

void add_unreported_sources(Report& report, const ChangedLines& changed,
                            const ReadOptions& options) {
  PathMapper mapper(options);
  for (const auto& [path, lines] : changed) {
    if (lines.empty() || report.files.count(path) || !derives_functions(path)) continue;
    auto source = read_source(mapper, path);
    if (!source) continue;
    auto functions = derive_functions(path, *source, {});
    if (!functions.empty()) report.unreported[path] = std::move(functions);
  }
}

std::optional<int> source_line_count(const PathMapper& mapper, const std::string& path) {
  auto source = read_source(mapper, path);
  if (!source) return std::nullopt;
  return static_cast<int>(core::split_lines(*source).size());
}

void bad_report(const std::string& where, const std::string& what, const std::string& hint) {
  throw core::Error(core::ExitCode::usage, fmt::format("{}: {}", where, what), hint);
}

void note_outside(Report& report, std::string_view path) {
  if (std::find(report.outside.begin(), report.outside.end(), path) == report.outside.end()) {
    report.outside.emplace_back(path);
  }
}

std::optional<long long> parse_integer(std::string_view text, bool allow_negative) {
  if (text.empty() || (!allow_negative && text[0] == '-')) return std::nullopt;
  if (text[0] == '+') return std::nullopt;
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (end != text.data() + text.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    return text[0] == '-' ? std::numeric_limits<long long>::min()
                          : std::numeric_limits<long long>::max();
  }
  if (ec != std::errc()) return std::nullopt;
  return value;
}

std::optional<Format> detect_format(std::string_view head) {
  head = skip_space_and_bom(head);
  if (head.substr(0, 6) == "mode: ") return Format::go_profile;
  if (head.substr(0, 3) == "TN:" || head.substr(0, 3) == "SF:") return Format::lcov;
  if (!head.empty() && head[0] == '<' && head.find("<coverage") != std::string_view::npos) {
    return Format::cobertura;
  }
  return std::nullopt;
}

Format detect_file_format(const fs::path& file) {
  check_not_directory(file);
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw core::Error(core::ExitCode::usage, fmt::format("cannot read {}", file.string()),
                      "name a readable coverage report");
  }
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (auto format = detect_format(head)) return *format;
  if (skip_space_and_bom(head).empty()) {
    throw core::Error(core::ExitCode::usage, fmt::format("{}: the report is empty", file.string()),
                      "the coverage tool wrote nothing; run it again");
  }
  throw core::Error(core::ExitCode::usage,
                    fmt::format("{}: not an lcov, Cobertura or Go coverage report", file.string()),
                    "name the format with --format lcov|cobertura|go");
}

Report parse_report(std::string_view text, Format format, const std::string& source_name,
                    const ReadOptions& options) {
  if (skip_space_and_bom(text).empty()) {
    bad_report(source_name + ":1", "the report is empty",
               "the coverage tool wrote nothing; run it again");
  }
  text = without_bom(text);  // detect_format skips it, so editors' BOMs reach this point
  PathMapper mapper(options);
  Report report;
  switch (format) {
    case Format::lcov:
      report = parse_lcov(text, source_name, mapper);
      break;
    case Format::cobertura:
      report = parse_cobertura(text, source_name, mapper);
      break;
    case Format::go_profile:
      mapper.use_go_modules();
      report = parse_go_profile(text, source_name, mapper);
      break;
  }
  complete_files(report, mapper);
  return report;
}

Report read_report(const fs::path& file, Format format, const ReadOptions& options) {
  check_not_directory(file);
  auto text = read_text(file, std::uintmax_t(1) << 31);
  if (!text) {
    throw core::Error(core::ExitCode::usage, fmt::format("cannot read {}", file.string()),
                      "name a readable coverage report (the coverage stage writes it)");
  }
  return parse_report(*text, format, file.string(), options);
}

}  // namespace factory::coverage
