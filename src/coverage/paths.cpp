#include "coverage/paths.hpp"

#include <algorithm>
#include <fstream>

namespace factory::coverage {

namespace fs = std::filesystem;

namespace {

constexpr int k_max_walk_entries = 50000;  // a go.mod search must stay cheap on huge trees
constexpr int k_max_walk_depth = 8;

bool skipped_dir(const std::string& name) {
  return name.empty() || name[0] == '.' || name == "vendor" || name == "testdata" ||
         name == "node_modules";
}

// The module path in a go.mod, or empty.
std::string module_line(const fs::path& go_mod) {
  std::ifstream in(go_mod);
  std::string line;
  while (std::getline(in, line)) {
    auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line.compare(start, 7, "module ") != 0) continue;
    std::string rest = line.substr(start + 7);
    auto comment = rest.find("//");
    if (comment != std::string::npos) rest.resize(comment);
    rest.erase(0, rest.find_first_not_of(" \t"));
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r')) {
      rest.pop_back();
    }
    if (rest.size() >= 2 && (rest.front() == '"' || rest.front() == '`')) {
      rest = rest.substr(1, rest.size() - 2);
    }
    return rest;
  }
  return {};
}

bool starts_with_dotdot(const fs::path& rel) {
  return rel.empty() || *rel.begin() == "..";
}

}  // namespace

std::string normalize_report_path(std::string_view path) {
  std::string s(path);
  std::replace(s.begin(), s.end(), '\\', '/');
  if (s.empty()) return s;
  std::string normal = fs::path(s).lexically_normal().generic_string();
  while (normal.size() > 2 && normal.compare(0, 2, "./") == 0) normal.erase(0, 2);
  if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

GoModules find_go_modules(const fs::path& root) {
  GoModules modules;
  std::error_code ec;
  if (root.empty() || !fs::is_directory(root, ec)) return modules;
  if (auto m = module_line(root / "go.mod"); !m.empty()) modules.emplace_back(m, "");
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  int seen = 0;
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (++seen > k_max_walk_entries) break;
    const auto& entry = *it;
    std::string name = entry.path().filename().string();
    if (entry.is_directory(ec)) {
      if (skipped_dir(name) || it.depth() >= k_max_walk_depth) it.disable_recursion_pending();
      continue;
    }
    if (name != "go.mod" || it.depth() == 0) continue;
    if (auto m = module_line(entry.path()); !m.empty()) {
      modules.emplace_back(m, entry.path().parent_path().lexically_relative(root).generic_string());
    }
  }
  std::sort(modules.begin(), modules.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  return modules;
}

PathMapper::PathMapper(const ReadOptions& options) : m_require_existing(options.require_existing) {
  if (options.repo_root.empty()) return;
  std::error_code ec;
  m_root = fs::absolute(options.repo_root, ec).lexically_normal();
  if (m_root.has_filename() == false && m_root.has_parent_path() && m_root != m_root.root_path()) {
    m_root = m_root.parent_path();
  }
  m_canonical_root = fs::weakly_canonical(m_root, ec);
  if (ec) m_canonical_root = m_root;
  if (!options.base_dir.empty()) {
    m_base = normalize_report_path(fs::absolute(options.base_dir, ec).generic_string());
  }
}

void PathMapper::set_source_roots(const std::vector<std::string>& roots) {
  m_sources.clear();
  for (const auto& r : roots) {
    std::string n = normalize_report_path(r);
    if (!n.empty()) m_sources.push_back(n);
  }
}

void PathMapper::use_go_modules() {
  m_modules = find_go_modules(m_root);
}

fs::path PathMapper::source_file(const std::string& relative) const {
  if (m_root.empty()) return {};
  return m_root / relative;
}

std::optional<std::string> PathMapper::relativize(const std::string& absolute) const {
  if (m_root.empty()) return absolute;
  fs::path p(absolute);
  for (const auto& root : {m_root, m_canonical_root}) {
    fs::path rel = p.lexically_relative(root);
    if (!starts_with_dotdot(rel) && rel != ".") return rel.generic_string();
  }
  std::error_code ec;
  fs::path canonical = fs::weakly_canonical(p, ec);
  if (!ec) {
    fs::path rel = canonical.lexically_relative(m_canonical_root);
    if (!starts_with_dotdot(rel) && rel != ".") return rel.generic_string();
  }
  return std::nullopt;
}

std::optional<std::string> PathMapper::accept(const std::string& relative) const {
  if (relative.empty() || relative == "." || relative.compare(0, 3, "../") == 0 ||
      relative == "..") {
    return std::nullopt;
  }
  if (m_root.empty() || !m_require_existing) return relative;
  std::error_code ec;
  if (!fs::is_regular_file(m_root / relative, ec)) return std::nullopt;
  return relative;
}

std::optional<std::string> PathMapper::via_go_module(const std::string& path) const {
  for (const auto& [module, dir] : m_modules) {
    if (path.size() <= module.size() || path.compare(0, module.size(), module) != 0 ||
        path[module.size()] != '/') {
      continue;
    }
    std::string rest = path.substr(module.size() + 1);
    return dir.empty() ? rest : dir + "/" + rest;
  }
  return std::nullopt;
}

std::optional<std::string> PathMapper::map(std::string_view report_path) const {
  std::string path = normalize_report_path(report_path);
  if (path.empty()) return std::nullopt;
  // GOPATH-less old Go writes "_/abs/dir/file.go" for packages outside any module.
  if (!m_modules.empty() && path.compare(0, 2, "_/") == 0) path.erase(0, 1);
  if (fs::path(path).is_absolute()) {
    auto rel = relativize(path);
    if (!rel) return std::nullopt;
    return m_root.empty() ? rel : accept(*rel);
  }
  if (auto mapped = via_go_module(path)) return accept(*mapped);
  for (const auto& source : m_sources) {
    std::string joined = normalize_report_path(source + "/" + path);
    std::optional<std::string> rel =
        fs::path(joined).is_absolute() ? relativize(joined) : std::optional(joined);
    if (!rel || m_root.empty()) continue;
    if (auto ok = accept(*rel); ok && (m_require_existing || fs::path(source).is_absolute())) {
      return ok;
    }
  }
  // A sub-project's run writes paths relative to its folder; a path that names no file there
  // may still be relative to the root (a report read from a sub-folder).
  if (!m_base.empty()) {
    auto rel = relativize(normalize_report_path(m_base + "/" + path));
    if (auto ok = rel ? accept(*rel) : std::nullopt; ok || !m_require_existing) return ok;
  }
  return accept(path);
}

}  // namespace factory::coverage
