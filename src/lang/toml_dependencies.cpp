#include "lang/toml_dependencies.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <optional>
#include <regex>

namespace factory::lang::detail {

namespace {

// A dependency found, with its column so several on one line keep their file order.
struct Found {
  Dependency dependency;
  int column = 0;
};

class Collector {
 public:
  void add(const toml::source_region& where, std::string name) {
    if (name.empty()) return;
    m_found.push_back({{static_cast<int>(where.begin.line), std::move(name)},
                       static_cast<int>(where.begin.column)});
  }

  // Each string item of an array of PEP 508 requirements (other items, like dependency-groups'
  // {include-group = "dev"}, name nothing).
  void add_requirements(const toml::node* list) {
    const auto* array = list ? list->as_array() : nullptr;
    if (!array) return;
    for (const auto& item : *array) {
      if (auto text = item.value<std::string>()) add(item.source(), pep508_name(*text));
    }
  }

  // Every key of a table of dependencies, but `skip`.
  void add_keys(const toml::node* node, std::string_view skip = {}) {
    const auto* table = node ? node->as_table() : nullptr;
    if (!table) return;
    for (const auto& [key, value] : *table) {
      if (key.str() != skip) add(key.source(), std::string(key.str()));
    }
  }

  std::vector<Dependency> in_file_order() {
    std::stable_sort(m_found.begin(), m_found.end(), [](const Found& a, const Found& b) {
      return std::tie(a.dependency.line, a.column) < std::tie(b.dependency.line, b.column);
    });
    std::vector<Dependency> out;
    for (auto& f : m_found) out.push_back(std::move(f.dependency));
    return out;
  }

 private:
  std::vector<Found> m_found;
};

std::optional<toml::table> parsed(std::string_view text) {
  try {
    return toml::parse(text);
  } catch (const toml::parse_error&) {
    return std::nullopt;
  }
}

// Each table of `parent` (e.g. the groups of [project.optional-dependencies]).
template <class Fn>
void for_each_table_value(const toml::node* parent, Fn&& fn) {
  const auto* table = parent ? parent->as_table() : nullptr;
  if (!table) return;
  for (const auto& entry : *table) fn(entry.second);
}

}  // namespace

std::string pep508_name(const std::string& requirement) {
  static const std::regex name(
      R"(^\s*([A-Za-z0-9](?:[A-Za-z0-9._\-]*[A-Za-z0-9])?)(\s|$|[\[(<>=!~;@,]))");
  std::smatch match;
  return std::regex_search(requirement, match, name) ? match[1].str() : std::string();
}

std::vector<Dependency> pyproject_dependencies(std::string_view text) {
  auto doc = parsed(text);
  if (!doc) return {};
  Collector found;
  found.add_requirements(doc->at_path("project.dependencies").node());
  for (const char* lists : {"project.optional-dependencies", "dependency-groups"}) {
    for_each_table_value(doc->at_path(lists).node(),
                         [&](const toml::node& list) { found.add_requirements(&list); });
  }
  // python is Poetry's interpreter constraint, not a package
  for (const char* table : {"tool.poetry.dependencies", "tool.poetry.dev-dependencies"}) {
    found.add_keys(doc->at_path(table).node(), "python");
  }
  for_each_table_value(doc->at_path("tool.poetry.group").node(), [&](const toml::node& group) {
    if (const auto* g = group.as_table()) found.add_keys(g->get("dependencies"), "python");
  });
  return found.in_file_order();
}

std::vector<Dependency> cargo_dependencies(std::string_view text) {
  auto doc = parsed(text);
  if (!doc) return {};
  Collector found;
  auto add_tables = [&](const toml::table& owner) {
    for (const char* name : {"dependencies", "dev-dependencies", "build-dependencies"}) {
      found.add_keys(owner.get(name));
    }
  };
  add_tables(*doc);
  for_each_table_value(doc->get("target"), [&](const toml::node& target) {
    if (const auto* t = target.as_table()) add_tables(*t);
  });
  found.add_keys(doc->at_path("workspace.dependencies").node());
  return found.in_file_order();
}

}  // namespace factory::lang::detail
