#include "lang/dependencies.hpp"

#include <regex>
#include <string>

namespace factory::lang {

namespace {
enum class Manifest { none, requirements, pyproject, gomod, cargo, npm };

Manifest manifest_of(std::string_view path) {
  auto slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.starts_with("requirements") && name.ends_with(".txt")) return Manifest::requirements;
  if (name == "pyproject.toml") return Manifest::pyproject;
  if (name == "go.mod") return Manifest::gomod;
  if (name == "Cargo.toml") return Manifest::cargo;
  if (name == "package.json") return Manifest::npm;
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

// Walks the lines keeping track of whether we are inside a dependency section.
std::vector<int> scan(Manifest kind, const std::vector<std::string>& lines) {
  std::vector<int> found;
  bool inside = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    bool dependency = false;
    switch (kind) {
      case Manifest::requirements:
        dependency = matches(line, R"(^\s*[A-Za-z0-9][A-Za-z0-9._\-\[\]]*)");
        break;
      case Manifest::gomod:
        if (matches(line, R"(^\s*require\s*\()"))
          inside = true;
        else if (inside && matches(line, R"(^\s*\))"))
          inside = false;
        else
          dependency = matches(line, inside ? R"(^\s*\S+\s+v\d)" : R"(^\s*require\s+\S+\s+v\d)");
        break;
      case Manifest::cargo:
        if (matches(line, R"(^\s*\[)"))
          inside = matches(line, R"(dependencies\]\s*$)");
        else
          dependency = inside && matches(line, R"(^\s*[A-Za-z0-9_\-]+\s*=)");
        break;
      case Manifest::npm:
        if (matches(line, R"("(dev|peer|optional)?[dD]ependencies"\s*:\s*\{)"))
          inside = true;
        else if (inside && matches(line, R"(^\s*\})"))
          inside = false;
        else
          dependency = inside && matches(line, R"(^\s*"[^"]+"\s*:)");
        break;
      case Manifest::pyproject:
        if (matches(line, R"(^\s*\[)")) {
          inside = matches(
              line,
              R"(^\s*\[(tool\.poetry\.(dev-)?dependencies|project\.optional-dependencies)\]\s*$)");
        } else if (matches(line, R"(^\s*dependencies\s*=\s*\[)")) {
          inside = true;
          dependency = matches(line, R"(\[\s*["'][A-Za-z0-9])");
        } else {
          dependency = inside && matches(line, R"(^\s*(["'][A-Za-z0-9]|[A-Za-z0-9_\-]+\s*=))");
          if (inside && matches(line, R"(^\s*\]\s*$)")) inside = false;
        }
        break;
      case Manifest::none:
        break;
    }
    if (dependency && (kind != Manifest::pyproject || !matches(line, R"(^\s*python\s*=)"))) {
      found.push_back(static_cast<int>(i + 1));
    }
  }
  return found;
}
}  // namespace

bool is_dependency_manifest(std::string_view path) {
  return manifest_of(path) != Manifest::none;
}

std::vector<int> dependency_lines(std::string_view path, std::string_view text) {
  Manifest kind = manifest_of(path);
  if (kind == Manifest::none) return {};
  return scan(kind, split_lines(text));
}

}  // namespace factory::lang
