#include "lang/dependencies.hpp"

#include <optional>
#include <regex>
#include <string>

namespace factory::lang {

namespace {
enum class Manifest { none, requirements, pyproject, gomod, cargo, npm, cmake };

Manifest manifest_of(std::string_view path) {
  auto slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.starts_with("requirements") && name.ends_with(".txt")) return Manifest::requirements;
  if (name == "pyproject.toml") return Manifest::pyproject;
  if (name == "go.mod") return Manifest::gomod;
  if (name == "Cargo.toml") return Manifest::cargo;
  if (name == "package.json") return Manifest::npm;
  if (name == "CMakeLists.txt" || name.ends_with(".cmake")) return Manifest::cmake;
  return Manifest::none;
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

bool matches(const std::string& line, const char* pattern) {
  return std::regex_search(line, std::regex(pattern));
}

// The first capture group of `pattern` in `line`, when it matches.
std::optional<std::string> capture(const std::string& line, const char* pattern) {
  std::smatch match;
  if (!std::regex_search(line, match, std::regex(pattern))) return std::nullopt;
  return match[1].str();
}

// Walks the lines keeping track of whether we are inside a dependency section.
class Scanner {
 public:
  explicit Scanner(Manifest kind) : m_kind(kind) {}

  // The dependency the line declares, if any.
  std::optional<std::string> next(const std::string& line) {
    switch (m_kind) {
      case Manifest::requirements:
        return capture(line, R"(^\s*([A-Za-z0-9][A-Za-z0-9._\-]*))");
      case Manifest::gomod:
        return gomod(line);
      case Manifest::cargo:
        if (matches(line, R"(^\s*\[)")) {
          m_inside = matches(line, R"(dependencies\]\s*$)");
          return std::nullopt;
        }
        return m_inside ? capture(line, R"(^\s*([A-Za-z0-9_\-]+)\s*=)") : std::nullopt;
      case Manifest::npm:
        return npm(line);
      case Manifest::pyproject:
        return pyproject(line);
      case Manifest::cmake:
        return capture(line, R"(^\s*find_package\s*\(\s*([A-Za-z0-9_.+\-]+))");
      case Manifest::none:
        break;
    }
    return std::nullopt;
  }

 private:
  std::optional<std::string> gomod(const std::string& line) {
    if (matches(line, R"(^\s*require\s*\()")) {
      m_inside = true;
      return std::nullopt;
    }
    if (m_inside && matches(line, R"(^\s*\))")) {
      m_inside = false;
      return std::nullopt;
    }
    return capture(line, m_inside ? R"(^\s*(\S+)\s+v\d)" : R"(^\s*require\s+(\S+)\s+v\d)");
  }

  std::optional<std::string> npm(const std::string& line) {
    if (matches(line, R"("(dev|peer|optional)?[dD]ependencies"\s*:\s*\{)")) {
      m_inside = true;
      return std::nullopt;
    }
    if (m_inside && matches(line, R"(^\s*\})")) {
      m_inside = false;
      return std::nullopt;
    }
    return m_inside ? capture(line, R"re(^\s*"([^"]+)"\s*:)re") : std::nullopt;
  }

  std::optional<std::string> pyproject(const std::string& line) {
    const char* quoted = R"(^\s*["']([A-Za-z0-9][A-Za-z0-9._\-]*))";
    if (matches(line, R"(^\s*\[)")) {
      m_inside = matches(
          line,
          R"(^\s*\[(tool\.poetry\.(dev-)?dependencies|project\.optional-dependencies)\]\s*$)");
      return std::nullopt;
    }
    if (matches(line, R"(^\s*dependencies\s*=\s*\[)")) {
      m_inside = !matches(line, R"(\]\s*$)");
      return capture(line, R"(\[\s*["']([A-Za-z0-9][A-Za-z0-9._\-]*))");
    }
    if (!m_inside) return std::nullopt;
    if (matches(line, R"(^\s*\]\s*$)")) {
      m_inside = false;
      return std::nullopt;
    }
    auto name = capture(line, quoted);
    if (!name) name = capture(line, R"(^\s*([A-Za-z0-9_\-]+)\s*=)");
    if (name == "python") return std::nullopt;  // Poetry's interpreter constraint
    return name;
  }

  Manifest m_kind;
  bool m_inside = false;
};
}  // namespace

bool is_dependency_manifest(std::string_view path) {
  return manifest_of(path) != Manifest::none;
}

std::vector<Dependency> declared_dependencies(std::string_view path, std::string_view text) {
  Manifest kind = manifest_of(path);
  if (kind == Manifest::none) return {};
  std::vector<Dependency> found;
  Scanner scanner(kind);
  auto lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (auto name = scanner.next(lines[i])) {
      found.push_back({static_cast<int>(i + 1), std::move(*name)});
    }
  }
  return found;
}

std::vector<int> dependency_lines(std::string_view path, std::string_view text) {
  std::vector<int> lines;
  for (const auto& dependency : declared_dependencies(path, text)) lines.push_back(dependency.line);
  return lines;
}

}  // namespace factory::lang
