#include "cli/error_output.hpp"

#include <fmt/format.h>

#include "report/style.hpp"

namespace factory::cli {

void print_error(const std::string& message, const std::string& hint) {
  bool color = report::color_enabled(stderr);
  fmt::print(stderr, "{} {}\n", report::paint("factory: error:", report::Tone::bad, color),
             message);
  if (!hint.empty()) fmt::print(stderr, "  hint: {}\n", hint);
}

}  // namespace factory::cli
