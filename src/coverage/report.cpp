#include "coverage/report.hpp"

#include <algorithm>
#include <limits>

namespace factory::coverage {

int FileCoverage::covered() const {
  return static_cast<int>(
      std::count_if(lines.begin(), lines.end(), [](const auto& line) { return line.second > 0; }));
}

void add_hits(long long& total, long long more) {
  total = more > std::numeric_limits<long long>::max() - total
              ? std::numeric_limits<long long>::max()
              : total + more;
}

void merge_report(Report& into, const Report& from) {
  for (const auto& [path, file] : from.files) {
    auto [it, inserted] = into.files.try_emplace(path, file);
    if (inserted) continue;
    FileCoverage& target = it->second;
    for (const auto& [line, hits] : file.lines) add_hits(target.lines[line], hits);
    for (const auto& f : file.functions) {
      auto same = std::find_if(
          target.functions.begin(), target.functions.end(),
          [&](const auto& t) { return t.name == f.name && t.first_line == f.first_line; });
      if (same == target.functions.end()) {
        target.functions.push_back(f);
      } else {
        add_hits(same->hits, f.hits);
        same->last_line = std::max(same->last_line, f.last_line);
      }
    }
  }
  for (const auto& [path, functions] : from.unreported)
    into.unreported.try_emplace(path, functions);
  for (const auto& path : from.outside) {
    if (std::find(into.outside.begin(), into.outside.end(), path) == into.outside.end()) {
      into.outside.push_back(path);
    }
  }
}

std::optional<double> percent(int covered, int measured) {
  if (measured <= 0) return std::nullopt;
  return 100.0 * covered / measured;
}

std::string format_name(Format format) {
  switch (format) {
    case Format::lcov:
      return "lcov";
    case Format::cobertura:
      return "cobertura";
    case Format::go_profile:
      return "go";
  }
  return "lcov";
}

std::optional<Format> parse_format(const std::string& name) {
  for (auto f : {Format::lcov, Format::cobertura, Format::go_profile}) {
    if (format_name(f) == name) return f;
  }
  return std::nullopt;
}

}  // namespace factory::coverage
