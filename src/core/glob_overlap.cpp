#include "core/glob_overlap.hpp"

#include <algorithm>

// The rule for which incidents a new task inherits (docs/INCIDENTS.md). Exact glob intersection
// is costly and a safety requirement should rather apply once too often than be missed, so two
// globs are compared by the folders they are confined to.
namespace factory::core {

namespace {

constexpr std::string_view k_wildcards = "*?[\\";

// The glob without its leading '/' and trailing '/'s, and whether it is anchored at the root.
std::pair<std::string_view, bool> normalized(std::string_view glob) {
  while (glob.ends_with('/')) glob.remove_suffix(1);
  bool anchored = glob.find('/') != std::string_view::npos;
  if (glob.starts_with('/')) glob.remove_prefix(1);
  return {glob, anchored};
}

// The folder every path the glob matches lies in ("" = anywhere): the part before the first
// wildcard cut back to a '/', or the whole glob when it has no wildcard.
std::string_view confining_folder(std::string_view glob) {
  auto [pattern, anchored] = normalized(glob);
  if (!anchored) return {};
  size_t wildcard = pattern.find_first_of(k_wildcards);
  if (wildcard == std::string_view::npos) return pattern;
  size_t slash = pattern.rfind('/', wildcard);
  return slash == std::string_view::npos ? std::string_view() : pattern.substr(0, slash);
}

// Whether `inner` is `outer` or lies below it.
bool within(std::string_view inner, std::string_view outer) {
  if (outer.empty()) return true;
  return inner == outer ||
         (inner.starts_with(outer) && inner.size() > outer.size() && inner[outer.size()] == '/');
}

bool negated(const std::string& glob) {
  return glob.starts_with('!');
}

// Whether a forbidden glob forbids every path below `folder`: an anchored folder glob
// ("secrets/**", "/secrets/", a plain path) at or above it, a plain name without '/' ("secrets/",
// "vendor") that is one of its segments, or "**".
bool forbids_all_below(std::string_view forbidden, std::string_view folder) {
  auto [pattern, anchored] = normalized(forbidden);
  if (pattern == "**") return true;
  if (anchored && pattern.ends_with("/**")) pattern.remove_suffix(3);
  if (pattern.empty() || pattern.find_first_of(k_wildcards) != std::string_view::npos) return false;
  if (anchored) return within(folder, pattern);
  for (size_t start = 0; start <= folder.size();) {
    size_t end = std::min(folder.find('/', start), folder.size());
    if (folder.substr(start, end - start) == pattern) return true;
    start = end + 1;
  }
  return false;
}

// Whether the forbidden list shuts off every path `glob` can match.
bool shut_off(std::string_view glob, const std::vector<std::string>& forbidden) {
  if (std::any_of(forbidden.begin(), forbidden.end(), negated)) return false;
  std::string_view folder = confining_folder(glob);
  return std::any_of(forbidden.begin(), forbidden.end(),
                     [&](const std::string& f) { return forbids_all_below(f, folder); });
}

}  // namespace

bool globs_may_overlap(std::string_view a, std::string_view b) {
  std::string_view fa = confining_folder(a);
  std::string_view fb = confining_folder(b);
  return within(fa, fb) || within(fb, fa);
}

bool boundaries_may_touch(const Boundaries& boundaries, const std::vector<std::string>& globs) {
  const auto& allowed = boundaries.allowed_files;
  auto reachable = [&](std::string_view glob) {
    if (shut_off(glob, boundaries.forbidden_files)) return false;
    return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& a) {
      return !negated(a) && globs_may_overlap(glob, a);
    });
  };
  if (globs.empty()) return reachable("**");
  return std::any_of(globs.begin(), globs.end(),
                     [&](const std::string& g) { return !negated(g) && reachable(g); });
}

}  // namespace factory::core
