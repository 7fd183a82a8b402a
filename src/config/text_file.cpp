#include "config/text_file.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iterator>

#include "core/error.hpp"

namespace factory::config {

std::optional<std::string> try_read_text_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string read_text_file(const std::filesystem::path& file) {
  if (auto text = try_read_text_file(file)) return *text;
  throw core::Error(core::ExitCode::usage, fmt::format("cannot read {}", file.string()),
                    "check that it is a readable file");
}

}  // namespace factory::config
