#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace factory::lang {

// What detection found and why.
struct Detection {
  std::string language;          // template name
  std::filesystem::path marker;  // the marker file, relative to the root
};

// Detects the language from marker files, nearest to `root` first (breadth first, at most
// three levels, skipping hidden and build/vendor folders). In one folder, the order is gleam.toml,
// go.mod, Cargo.toml, pyproject.toml/setup.py/setup.cfg, CMakeLists.txt, package.json.
std::optional<Detection> detect_language(const std::filesystem::path& root);

}  // namespace factory::lang
