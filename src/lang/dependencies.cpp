#include "lang/dependencies.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>
#include <string>

#include "core/lines.hpp"
#include "lang/toml_dependencies.hpp"

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

using Names = std::vector<std::string>;

bool matches(const std::string& line, const std::regex& re) {
  return std::regex_search(line, re);
}

// The first capture group of `re` in `line`, as a list of zero or one name.
Names capture(const std::string& line, const std::regex& re) {
  std::smatch match;
  if (!std::regex_search(line, match, re)) return {};
  return {match[1].str()};
}

// A requirements-file line: a PEP 508 requirement, or a URL / editable install named by its
// `#egg=` fragment. Options (-r, -c, -e without an egg, --index-url, --hash continuation lines),
// local paths and archives name nothing.
Names requirement_line(const std::string& line) {
  static const std::regex egg(R"([#&]egg=([A-Za-z0-9][A-Za-z0-9._\-]*))");
  static const std::regex editable(R"(^\s*(-e|--editable)(\s|=))");
  static const std::regex option(R"(^\s*-)");
  static const std::regex comment(R"(^\s*(#|$))");
  static const std::regex archive(R"(^\s*\S+\.(whl|zip|tar\.gz|tgz|tar\.bz2)\s*($|[;#]))");
  if (matches(line, comment)) return {};
  if (matches(line, editable)) return capture(line, egg);
  if (matches(line, option)) return {};
  if (matches(line, archive)) return capture(line, egg);
  auto name = detail::pep508_name(line);
  return name.empty() ? capture(line, egg) : Names{name};
}

// Walks the lines keeping track of whether we are inside a dependency section.
class Scanner {
 public:
  explicit Scanner(Manifest kind) : m_kind(kind) {}

  // The dependencies the line declares (usually none or one).
  Names next(const std::string& line) {
    static const std::regex cmake(R"(^\s*find_package\s*\(\s*([A-Za-z0-9_.+\-]+))");
    switch (m_kind) {
      case Manifest::requirements:
        return requirement_line(line);
      case Manifest::gomod:
        return gomod(line);
      case Manifest::npm:
        return npm(line);
      case Manifest::cmake:
        return capture(line, cmake);
      case Manifest::cargo:  // whole-file TOML: toml_dependencies
      case Manifest::pyproject:
      case Manifest::none:
        break;
    }
    return {};
  }

 private:
  Names gomod(const std::string& line) {
    static const std::regex open(R"(^\s*require\s*\()");
    static const std::regex close(R"(^\s*\))");
    static const std::regex in_block(R"(^\s*(\S+)\s+v\d)");
    static const std::regex single(R"(^\s*require\s+(\S+)\s+v\d)");
    if (matches(line, open)) {
      m_inside = true;
      return {};
    }
    if (m_inside && matches(line, close)) {
      m_inside = false;
      return {};
    }
    return capture(line, m_inside ? in_block : single);
  }

  // JSON read token by token: the keys directly inside a "*dependencies" object, however the
  // file is laid out (one entry a line, or minified).
  Names npm(const std::string& line) {
    static const std::set<std::string> k_objects = {"dependencies", "devDependencies",
                                                    "peerDependencies", "optionalDependencies"};
    Names out;
    for (size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      if (c == '"') {
        std::string text;
        size_t j = i + 1;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) ++j;
          text += line[j];
        }
        i = j;
        size_t k = line.find_first_not_of(" \t", j + 1);
        bool key = k != std::string::npos && line[k] == ':';
        if (key && m_object_depth >= 0 && m_depth == m_object_depth + 1) out.push_back(text);
        m_last_key = key ? text : "";
      } else if (c == '{') {
        if (m_object_depth < 0 && k_objects.count(m_last_key)) m_object_depth = m_depth;
        ++m_depth;
        m_last_key.clear();
      } else if (c == '}') {
        --m_depth;
        if (m_depth == m_object_depth) m_object_depth = -1;
      } else if (c == ',' || c == '[') {
        m_last_key.clear();
      }
    }
    return out;
  }

  Manifest m_kind;
  bool m_inside = false;    // go.mod require block
  int m_depth = 0;          // package.json: braces open
  int m_object_depth = -1;  // package.json: depth of the dependency object we are in
  std::string m_last_key;   // package.json: the key before the current value
};

bool is_python(Manifest kind) {
  return kind == Manifest::requirements || kind == Manifest::pyproject;
}
}  // namespace

bool is_dependency_manifest(std::string_view path) {
  return manifest_of(path) != Manifest::none;
}

std::vector<Dependency> declared_dependencies(std::string_view path, std::string_view text) {
  Manifest kind = manifest_of(path);
  if (kind == Manifest::none) return {};
  if (kind == Manifest::pyproject) return detail::pyproject_dependencies(text);
  if (kind == Manifest::cargo) return detail::cargo_dependencies(text);
  std::vector<Dependency> found;
  Scanner scanner(kind);
  core::for_each_line(text, [&](int number, std::string_view line) {
    for (auto& name : scanner.next(std::string(line))) found.push_back({number, std::move(name)});
  });
  return found;
}

std::vector<int> dependency_lines(std::string_view path, std::string_view text) {
  std::vector<int> lines;
  for (const auto& dependency : declared_dependencies(path, text)) {
    if (lines.empty() || lines.back() != dependency.line) lines.push_back(dependency.line);
  }
  return lines;
}

std::string comparable_name(std::string_view path, std::string_view name) {
  Manifest kind = manifest_of(path);
  if (!is_python(kind) && kind != Manifest::cargo) return std::string(name);
  // PEP 503: case-insensitive, runs of - _ . alike; crates.io: - and _ alike, any case.
  std::string out;
  for (char c : name) {
    bool separator = c == '-' || c == '_' || (is_python(kind) && c == '.');
    if (!separator) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (out.empty() || out.back() != '-') {
      out += '-';
    }
  }
  return out;
}

std::vector<Dependency> added_dependencies(std::string_view path, std::string_view before,
                                           std::string_view after) {
  std::set<std::string> known;
  for (const auto& d : declared_dependencies(path, before)) {
    known.insert(comparable_name(path, d.name));
  }
  std::vector<Dependency> added;
  for (auto& d : declared_dependencies(path, after)) {
    if (known.insert(comparable_name(path, d.name)).second) added.push_back(std::move(d));
  }
  return added;
}

}  // namespace factory::lang
