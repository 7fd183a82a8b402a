#include "vcs/vcs_util.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace factory::vcs {

namespace {

constexpr const char* k_block_begin = "# >>> factory byproducts";
constexpr const char* k_block_end = "# <<< factory byproducts";

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      size_t ie = i, je = j;
      while (ie < a.size() && is_digit(a[ie])) ++ie;
      while (je < b.size() && is_digit(b[je])) ++je;
      // Leading zeros are ignored; a longer run of significant digits is a larger number.
      size_t is = i, js = j;
      while (is + 1 < ie && a[is] == '0') ++is;
      while (js + 1 < je && b[js] == '0') ++js;
      if (ie - is != je - js) return ie - is < je - js;
      int cmp = a.compare(is, ie - is, b, js, je - js);
      if (cmp != 0) return cmp < 0;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

std::filesystem::path normal_dir(const std::filesystem::path& p) {
  auto n = std::filesystem::absolute(p).lexically_normal();
  auto s = n.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

void update_exclude_block(const std::filesystem::path& exclude_file,
                          const std::vector<std::string>& patterns) {
  std::string old_text;
  if (std::ifstream in{exclude_file}) {
    std::stringstream ss;
    ss << in.rdbuf();
    old_text = ss.str();
  }
  std::vector<std::string> outside, block;
  bool in_block = false;
  std::istringstream lines{old_text};
  for (std::string line; std::getline(lines, line);) {
    if (line == k_block_begin) {
      in_block = true;
    } else if (line == k_block_end) {
      in_block = false;
    } else if (in_block) {
      if (!line.empty()) block.push_back(line);
    } else {
      outside.push_back(line);
    }
  }
  for (const auto& p : patterns) {
    if (!p.empty() && std::find(block.begin(), block.end(), p) == block.end()) block.push_back(p);
  }
  std::string text;
  for (const auto& line : outside) text += line + "\n";
  text += std::string(k_block_begin) + "\n";
  for (const auto& line : block) text += line + "\n";
  text += std::string(k_block_end) + "\n";
  if (text == old_text) return;
  std::error_code ec;
  std::filesystem::create_directories(exclude_file.parent_path(), ec);
  std::ofstream out{exclude_file, std::ios::trunc};
  out << text;
  if (!out) {
    throw core::Error(core::ExitCode::vcs, "cannot write " + exclude_file.string(),
                      "check the permissions of the repository's info/ directory");
  }
}

bool is_factory_path(const std::string& path) {
  return path == ".factory" || path.rfind(".factory/", 0) == 0;
}

}  // namespace factory::vcs
