#include "contract/boundary.hpp"

#include <fmt/format.h>

#include "core/glob.hpp"

namespace factory::contract {

namespace {

constexpr std::string_view k_own_state =
    "factory's own state and this task's contract live in .factory/; change the contract from "
    "the main worktree, not from the task";

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Resolves `path` segment by segment onto `parts`; false when it climbs above the root.
bool push_segments(std::vector<std::string_view>& parts, std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (parts.empty()) return false;
      parts.pop_back();
    } else if (!segment.empty() && segment != ".") {
      parts.push_back(segment);
    }
    start = end + 1;
  }
  return true;
}

std::string join(const std::vector<std::string_view>& parts) {
  std::string out;
  for (auto part : parts) {
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

// The result of applying a gitignore-style list in order: the last pattern that decided, and
// whether it left the path matched. `fold` compares ASCII case-insensitively.
struct ListVerdict {
  bool matched = false;
  std::string_view decided_by;
};

ListVerdict apply_list(const std::vector<std::string>& patterns, const std::string& path,
                       bool fold) {
  ListVerdict verdict;
  std::string folded_path = fold ? ascii_lower(path) : std::string();
  const std::string& subject = fold ? folded_path : path;
  for (const auto& pattern : patterns) {
    bool negated = pattern.starts_with('!');
    std::string_view glob = std::string_view(pattern).substr(negated ? 1 : 0);
    if (negated != verdict.matched) continue;  // only a change of verdict matters
    bool hit =
        fold ? core::glob_match(ascii_lower(glob), subject) : core::glob_match(glob, subject);
    if (hit) verdict = {!negated, pattern};
  }
  return verdict;
}

bool is_own_state(const std::string& path) {
  std::string lower = ascii_lower(path);
  return lower == ".factory" || lower.starts_with(".factory/");
}

// Why a normalised path may not be changed, or "" when it may.
std::string path_problem(const core::Boundaries& boundaries, const std::string& path) {
  if (is_own_state(path)) return std::string(k_own_state);
  if (auto forbidden = apply_list(boundaries.forbidden_files, path, true); forbidden.matched) {
    return fmt::format("matches forbidden glob '{}'", forbidden.decided_by);
  }
  if (boundaries.allowed_files.empty()) {
    return "allowed_files is empty, so this task may not change any file";
  }
  auto allowed = apply_list(boundaries.allowed_files, path, false);
  if (allowed.matched) return "";
  if (!allowed.decided_by.empty()) {
    return fmt::format("excluded from allowed_files by '{}'", allowed.decided_by);
  }
  return fmt::format("not in allowed_files ({})", fmt::join(boundaries.allowed_files, ", "));
}

// Whether a symlink to the directory `target` would expose factory's state or a path under an
// anchored forbidden glob ("secrets" when "secrets/**" is forbidden); the root exposes all.
bool exposes_forbidden_dir(const core::Boundaries& boundaries, const std::string& target) {
  if (target.empty()) return true;
  std::string prefix = ascii_lower(target) + "/";
  if (std::string_view(".factory/").starts_with(prefix)) return true;
  // A file inside the folder would be forbidden ("**/secrets/**", "private/").
  if (apply_list(boundaries.forbidden_files, target + "/x", true).matched) return true;
  for (const auto& pattern : boundaries.forbidden_files) {
    if (pattern.starts_with('!')) continue;
    std::string lower = ascii_lower(pattern);
    std::string_view glob = lower;
    if (glob.starts_with('/')) glob.remove_prefix(1);
    if (glob.starts_with(prefix)) return true;
  }
  return false;
}

// Why the symlink at `link` (normalised) pointing to `target` may not be committed, or "".
std::string symlink_problem(const core::Boundaries& boundaries, const std::string& link,
                            std::string_view target) {
  if (target.starts_with('/')) return "symlink points outside the repository";
  std::vector<std::string_view> parts;
  push_segments(parts, link);
  if (!parts.empty()) parts.pop_back();  // resolve relative to the link's own directory
  if (!push_segments(parts, target)) return "symlink points outside the repository";
  std::string resolved = join(parts);
  if (exposes_forbidden_dir(boundaries, resolved) || !path_problem(boundaries, resolved).empty()) {
    return fmt::format("symlink to {}, which the task may not change",
                       resolved.empty() ? "the repository root" : resolved);
  }
  return "";
}

// Why a symlink whose on-disk resolution is `resolved` may not be committed, or "".
std::string resolved_problem(const core::Boundaries& boundaries, const std::string& resolved) {
  if (resolved == "..") return "symlink leads outside the repository (through other links)";
  if (exposes_forbidden_dir(boundaries, resolved) || !path_problem(boundaries, resolved).empty()) {
    return fmt::format("symlink leads to {} (through other links), which the task may not change",
                       resolved.empty() ? "the repository root" : resolved);
  }
  return "";
}

}  // namespace

void resolve_symlinks_on_disk(std::vector<PathChange>& changes, const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path real_root = fs::weakly_canonical(root, ec);
  if (ec) return;
  for (auto& change : changes) {
    if (!change.symlink_target || change.kind == 'D') continue;
    fs::path link = root / change.path;
    if (!fs::is_symlink(link, ec)) continue;
    fs::path real = fs::weakly_canonical(link, ec);
    if (ec) continue;
    fs::path relative = real.lexically_relative(real_root);
    std::string text = relative.generic_string();
    bool outside = text.empty() || text == ".." || text.starts_with("../");
    change.resolved_target = outside ? std::string("..") : (text == "." ? std::string() : text);
  }
}

std::optional<std::string> normalize_path(std::string_view path) {
  if (path.starts_with('/')) return std::nullopt;
  std::vector<std::string_view> parts;
  if (!push_segments(parts, path)) return std::nullopt;
  return join(parts);
}

std::vector<Violation> check_boundaries(const core::Boundaries& boundaries,
                                        const std::vector<PathChange>& changes) {
  std::vector<Violation> violations;
  for (const auto& change : changes) {
    auto path = normalize_path(change.path);
    if (!path || path->empty()) {
      violations.push_back(
          {change.path, path ? "not a file inside the repository" : "path leaves the repository"});
      continue;
    }
    std::string problem = path_problem(boundaries, *path);
    if (problem.empty() && change.symlink_target && change.kind != 'D') {
      problem = symlink_problem(boundaries, *path, *change.symlink_target);
    }
    if (problem.empty() && change.resolved_target && change.kind != 'D') {
      problem = resolved_problem(boundaries, *change.resolved_target);
    }
    if (!problem.empty()) violations.push_back({*path, std::move(problem)});
  }
  return violations;
}

}  // namespace factory::contract
