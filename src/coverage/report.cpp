#include "coverage/report.hpp"

#include <algorithm>

namespace factory::coverage {

int FileCoverage::covered() const {
  return static_cast<int>(
      std::count_if(lines.begin(), lines.end(), [](const auto& line) { return line.second > 0; }));
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
