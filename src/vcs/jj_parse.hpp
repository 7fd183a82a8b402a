#pragma once

#include <string>
#include <utility>
#include <vector>

#include "vcs/vcs.hpp"

namespace factory::vcs {

// One file of a `jj diff --git` patch.
struct GitDiffFile {
  std::string path;  // the new path (the old one for a deletion)
  bool binary = false;
  int added = 0;
  int removed = 0;
  std::vector<std::pair<int, std::string>> added_lines;  // (1-based new line number, text)
};

// Parses `jj diff --summary` ("M path", "A path", "D path", "R dir/{old => new}"); a rename
// becomes D old + A new. Lines in any other shape (warnings) are skipped. Counts are left 0.
std::vector<FileChange> parse_jj_summary(const std::string& text);

// Parses a git-format patch into per-file line counts and added lines.
std::vector<GitDiffFile> parse_git_patch(const std::string& text);

// Fills line counts of `changes` from the matching files of a parsed patch.
void merge_line_counts(std::vector<FileChange>& changes, const std::vector<GitDiffFile>& files);

// Lines of `text` without their end-of-line, empty ones dropped.
std::vector<std::string> non_empty_lines(const std::string& text);

}  // namespace factory::vcs
