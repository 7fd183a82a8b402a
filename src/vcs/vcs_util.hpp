#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace factory::vcs {

// Orders strings with digit runs compared as numbers, so ".../2" sorts before ".../10".
bool natural_less(const std::string& a, const std::string& b);

// Absolute, lexically normal, without a trailing separator: one spelling per directory.
std::filesystem::path normal_dir(const std::filesystem::path& p);

// Rewrites the "# >>> factory byproducts" block of an exclude file so it holds the union of
// its current patterns and `patterns`; the rest of the file is kept. Writes only on change.
void update_exclude_block(const std::filesystem::path& exclude_file,
                          const std::vector<std::string>& patterns);

// Whether `path` (relative, '/'-separated) is factory's own directory or inside it.
bool is_factory_path(const std::string& path);

}  // namespace factory::vcs
