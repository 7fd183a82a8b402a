#include "vcs/jj_parse.hpp"

#include <sstream>

namespace factory::vcs {

namespace {

// "src/{a.rs => b.rs}" or "a.rs => b.rs" → ("src/a.rs", "src/b.rs").
std::pair<std::string, std::string> split_rename(const std::string& spec) {
  auto open = spec.find('{');
  auto close = spec.rfind('}');
  auto arrow = spec.find(" => ");
  if (arrow == std::string::npos) return {spec, spec};
  if (open == std::string::npos || close == std::string::npos || close < arrow) {
    return {spec.substr(0, arrow), spec.substr(arrow + 4)};
  }
  std::string prefix = spec.substr(0, open), suffix = spec.substr(close + 1);
  std::string from = spec.substr(open + 1, arrow - open - 1);
  std::string to = spec.substr(arrow + 4, close - arrow - 4);
  auto join = [&](const std::string& mid) {
    std::string p = prefix + mid + suffix;
    // "{ => b}/x" leaves a doubled or leading slash behind.
    for (auto pos = p.find("//"); pos != std::string::npos; pos = p.find("//")) p.erase(pos, 1);
    if (!p.empty() && p.front() == '/') p.erase(0, 1);
    return p;
  };
  return {join(from), join(to)};
}

// The path of a "diff --git a/X b/X" header; both halves are the same length when unrenamed.
std::string header_path(const std::string& line) {
  std::string rest = line.substr(std::string("diff --git a/").size());
  if (rest.size() >= 3 && (rest.size() - 3) % 2 == 0) {
    size_t half = (rest.size() - 3) / 2;
    if (rest.compare(half, 3, " b/") == 0) return rest.substr(0, half);
  }
  auto pos = rest.rfind(" b/");
  return pos == std::string::npos ? rest : rest.substr(pos + 3);
}

bool starts_with(const std::string& s, const char* prefix) {
  return s.rfind(prefix, 0) == 0;
}

}  // namespace

std::vector<FileChange> parse_jj_summary(const std::string& text) {
  std::vector<FileChange> out;
  for (const auto& line : non_empty_lines(text)) {
    if (line.size() < 3 || line[1] != ' ') continue;
    char kind = line[0];
    std::string rest = line.substr(2);
    if (kind == 'M' || kind == 'A' || kind == 'D') {
      out.push_back(FileChange{rest, kind});
    } else if (kind == 'R' || kind == 'C') {
      auto [from, to] = split_rename(rest);
      if (kind == 'R') out.push_back(FileChange{from, 'D'});
      out.push_back(FileChange{to, 'A'});
    }
  }
  return out;
}

std::vector<GitDiffFile> parse_git_patch(const std::string& text) {
  std::vector<GitDiffFile> files;
  bool in_hunk = false;
  int new_line = 0;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (starts_with(line, "diff --git a/")) {
      files.push_back(GitDiffFile{header_path(line), false, 0, 0, {}});
      in_hunk = false;
      continue;
    }
    if (files.empty()) continue;
    auto& f = files.back();
    if (!in_hunk) {
      if (starts_with(line, "+++ b/")) f.path = line.substr(6);
      if (starts_with(line, "Binary files") || starts_with(line, "GIT binary patch"))
        f.binary = true;
      if (!starts_with(line, "@@ ")) continue;
    }
    if (starts_with(line, "@@ ")) {
      auto plus = line.find(" +");
      new_line = plus == std::string::npos ? 1 : std::atoi(line.c_str() + plus + 2);
      in_hunk = true;
    } else if (!line.empty() && line[0] == '+') {
      ++f.added;
      f.added_lines.emplace_back(new_line++, line.substr(1));
    } else if (!line.empty() && line[0] == '-') {
      ++f.removed;
    } else if (line.empty() || line[0] == ' ') {
      ++new_line;
    }
  }
  for (auto& f : files) {
    if (f.binary) f.added = f.removed = -1;
  }
  return files;
}

void merge_line_counts(std::vector<FileChange>& changes, const std::vector<GitDiffFile>& files) {
  for (auto& change : changes) {
    for (const auto& f : files) {
      if (f.path != change.path) continue;
      change.added_lines = f.added;
      change.removed_lines = f.removed;
      break;
    }
  }
}

std::vector<std::string> non_empty_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

}  // namespace factory::vcs
