#include <cxxabi.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>

#include "core/lines.hpp"
#include "coverage/format_readers.hpp"

namespace factory::coverage {

namespace {

constexpr const char* k_hint =
    "an lcov tracefile has records SF:<file>, DA:<line>,<hits>, ..., end_of_record";

// "_ZN10Calculator3addEdd" -> "Calculator::add(double, double)"; other names unchanged.
std::string demangle(const std::string& name) {
  if (name.size() < 3 || name.compare(0, 2, "_Z") != 0) return name;
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(
      abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status), std::free);
  return status == 0 && out ? std::string(out.get()) : name;
}

std::vector<std::string_view> split(std::string_view s, char sep, size_t max_parts) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < max_parts) {
    auto pos = s.find(sep);
    if (pos == std::string_view::npos) break;
    parts.push_back(s.substr(0, pos));
    s.remove_prefix(pos + 1);
  }
  parts.push_back(s);
  return parts;
}

// One SF ... end_of_record record being read.
struct Record {
  std::string source;  // as written
  int start_line = 0;
  std::map<int, long long> lines;
  std::vector<FunctionCoverage> functions;
  std::map<std::string, size_t> by_name;   // FN name -> functions index
  std::map<std::string, size_t> by_index;  // FNL index -> functions index
};

class LcovParser {
 public:
  LcovParser(const std::string& name, const PathMapper& mapper) : m_name(name), m_mapper(mapper) {}

  void line(int number, std::string_view text) {
    m_number = number;
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    if (text.empty()) return;
    if (text == "end_of_record") return end_record();
    auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        !std::all_of(text.begin(), text.begin() + colon,
                     [](char c) { return c >= 'A' && c <= 'Z'; })) {
      fail(fmt::format("not an lcov line: '{}'", text.substr(0, 60)));
    }
    std::string_view key = text.substr(0, colon);
    std::string_view value = text.substr(colon + 1);
    if (key == "SF") return start_record(value);
    if (key == "DA" || key == "FN" || key == "FNDA" || key == "FNL" || key == "FNA") {
      if (!m_record) fail(fmt::format("{} line outside a record (no SF: before it)", key));
    }
    if (key == "DA") return data(value);
    if (key == "FN") return function(value);
    if (key == "FNDA") return function_hits(value);
    if (key == "FNL") return function_location(value);
    if (key == "FNA") return function_alias(value);
    // TN, VER, LF, LH, FNF, FNH, BRDA, BRF, BRH, BA and future keys carry nothing we use.
  }

  Report finish() {
    if (m_record) {
      fail(
          fmt::format("the record for {} (from line {}) has no end_of_record: the report is "
                      "truncated",
                      m_record->source, m_record->start_line));
    }
    if (m_records == 0) fail("no SF: record: the report is empty");
    for (auto& [path, file] : m_report.files) file.path = path;
    return std::move(m_report);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    bad_report(fmt::format("{}:{}", m_name, m_number), what, k_hint);
  }

  long long number(std::string_view text, const char* what, bool allow_negative = false) const {
    auto v = parse_integer(text, allow_negative);
    if (!v) fail(fmt::format("{} '{}' is not a number", what, text.substr(0, 30)));
    return *v;
  }

  int line_number(std::string_view text) const {
    long long v = number(text, "line");
    if (v < 1 || v > 100'000'000) fail(fmt::format("line number {} is out of range", v));
    return static_cast<int>(v);
  }

  void start_record(std::string_view value) {
    if (m_record) {
      fail(fmt::format("SF: before the end_of_record of {} (from line {})", m_record->source,
                       m_record->start_line));
    }
    if (value.empty()) fail("SF: names no file");
    m_record = std::make_unique<Record>();
    m_record->source = std::string(value);
    m_record->start_line = m_number;
  }

  void data(std::string_view value) {
    auto parts = split(value, ',', 3);
    if (parts.size() < 2) fail("DA needs <line>,<hits>");
    // Negative counts come from gcov counter overflow; they mean "ran".
    long long hits = number(parts[1], "hit count", true);
    // coverage.py 6 writes "DA:0,1" for an empty module: no line to measure.
    if (parts[0] == "0") return;
    add_hits(m_record->lines[line_number(parts[0])], hits < 0 ? 1 : hits);
  }

  void function(std::string_view value) {
    auto parts = split(value, ',', 3);
    if (parts.size() < 2) fail("FN needs <line>,<name>");
    int first = line_number(parts[0]);
    int last = 0;
    std::string_view name = parts[1];
    if (parts.size() == 3 && parse_integer(parts[1])) {  // lcov 2.x FN:<start>,<end>,<name>
      last = line_number(parts[1]);
      name = parts[2];
    } else if (parts.size() == 3) {
      name = value.substr(parts[0].size() + 1);  // a name with commas (C++ templates)
    }
    add_function(std::string(name), first, last);
  }

  size_t add_function(const std::string& name, int first, int last) {
    auto found = m_record->by_name.find(name);
    if (found != m_record->by_name.end()) return found->second;
    m_record->functions.push_back({demangle(name), first, last, 0});
    m_record->by_name[name] = m_record->functions.size() - 1;
    return m_record->functions.size() - 1;
  }

  void function_hits(std::string_view value) {
    auto parts = split(value, ',', 2);
    if (parts.size() < 2) fail("FNDA needs <hits>,<name>");
    long long hits = number(parts[0], "hit count", true);
    auto found = m_record->by_name.find(std::string(parts[1]));
    if (found != m_record->by_name.end())
      add_hits(m_record->functions[found->second].hits, std::max(hits, 0LL));
  }

  // lcov 2.2: FNL:<index>,<start>[,<end>] then FNA:<index>,<hits>,<name>.
  void function_location(std::string_view value) {
    auto parts = split(value, ',', 3);
    if (parts.size() < 2) fail("FNL needs <index>,<start>[,<end>]");
    int last = parts.size() == 3 ? line_number(parts[2]) : 0;
    m_record->functions.push_back({"", line_number(parts[1]), last, 0});
    m_record->by_index[std::string(parts[0])] = m_record->functions.size() - 1;
  }

  void function_alias(std::string_view value) {
    auto parts = split(value, ',', 3);
    if (parts.size() < 3) fail("FNA needs <index>,<hits>,<name>");
    auto found = m_record->by_index.find(std::string(parts[0]));
    if (found == m_record->by_index.end())
      fail(fmt::format("FNA for unknown FNL index {}", parts[0]));
    auto& f = m_record->functions[found->second];
    long long hits = std::max(number(parts[1], "hit count", true), 0LL);
    if (f.name.empty()) {
      f.name = demangle(std::string(parts[2]));
      f.hits = hits;
    } else {  // an alias: another name for the same code
      f.hits = std::max(f.hits, hits);
    }
  }

  void end_record() {
    if (!m_record) fail("end_of_record without a record (no SF: before it)");
    ++m_records;
    Record& r = *m_record;
    std::erase_if(r.functions, [](const auto& f) { return f.name.empty() || f.first_line <= 0; });
    // Like diff-cover: a function's first line counts as measured, with the function's hits,
    // when no DA line measures it (istanbul writes no DA for a JS method's signature line).
    for (const auto& f : r.functions) r.lines.try_emplace(f.first_line, f.hits);
    auto path = m_mapper.map(r.source);
    if (!path) {
      note_outside(m_report, r.source);
    } else {
      Report one;
      one.files[*path] = FileCoverage{*path, std::move(r.lines), std::move(r.functions)};
      merge_report(m_report, one);  // several records for one file: hits are summed
    }
    m_record.reset();
  }

  const std::string& m_name;
  const PathMapper& m_mapper;
  Report m_report;
  std::unique_ptr<Record> m_record;
  int m_number = 0;
  int m_records = 0;
};

}  // namespace

Report parse_lcov(std::string_view text, const std::string& name, const PathMapper& mapper) {
  LcovParser parser(name, mapper);
  core::for_each_line(text, [&](int number, std::string_view line) { parser.line(number, line); });
  Report report = parser.finish();
  report.format = Format::lcov;
  return report;
}

}  // namespace factory::coverage
