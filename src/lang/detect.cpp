#include "lang/detect.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>
#include <system_error>
#include <vector>

#include "lang/language_template.hpp"

namespace factory::lang {

namespace {

namespace fs = std::filesystem;

// Which language wins when several markers sit in one folder; templates not listed come after.
constexpr std::array<std::string_view, 6> k_priority = {"gleam",  "go",    "rust",
                                                        "python", "cmake", "node"};

// Levels searched: the root and two below it.
constexpr int k_max_depth = 3;

// Folders that hold dependencies or build output, never the project's own root.
const std::set<std::string, std::less<>> k_skipped = {
    "node_modules", "vendor", "target",      "build",       "dist",     "out",
    "_build",       "venv",   "__pycache__", "third_party", "external", "deps",
};

struct Candidate {
  size_t rank;  // position in the priority order
  std::string language;
  std::string marker;
};

// Markers of every embedded template, in priority order.
std::vector<Candidate> marker_table() {
  std::vector<Candidate> table;
  for (const auto& name : known_languages()) {
    auto found = std::find(k_priority.begin(), k_priority.end(), name);
    size_t rank = static_cast<size_t>(found - k_priority.begin());
    for (const auto& marker : template_for(name).markers) table.push_back({rank, name, marker});
  }
  std::stable_sort(table.begin(), table.end(),
                   [](const Candidate& a, const Candidate& b) { return a.rank < b.rank; });
  return table;
}

bool skipped_folder(const fs::path& dir) {
  std::string name = dir.filename().string();
  return name.empty() || name.front() == '.' || k_skipped.contains(name);
}

// The sub-folders of each folder in `level`, sorted so detection does not depend on readdir order.
std::vector<fs::path> next_level(const std::vector<fs::path>& level) {
  std::vector<fs::path> next;
  for (const auto& dir : level) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (it->is_symlink(type_ec) || !it->is_directory(type_ec)) continue;
      if (!skipped_folder(it->path())) next.push_back(it->path());
    }
  }
  std::sort(next.begin(), next.end());
  return next;
}

}  // namespace

std::optional<Detection> detect_language(const fs::path& root) {
  static const std::vector<Candidate> k_table = marker_table();
  std::vector<fs::path> level = {root};
  // Breadth first: any marker at a shallower level beats every deeper one; within one level
  // the language priority decides, then the folder's path.
  for (int depth = 0; depth < k_max_depth && !level.empty(); ++depth) {
    for (const auto& candidate : k_table) {
      for (const auto& dir : level) {
        std::error_code ec;
        if (fs::is_regular_file(dir / candidate.marker, ec)) {
          return Detection{candidate.language, (dir / candidate.marker).lexically_relative(root)};
        }
      }
    }
    level = next_level(level);
  }
  return std::nullopt;
}

}  // namespace factory::lang
