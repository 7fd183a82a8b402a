#include <doctest/doctest.h>

#include "lang/dependencies.hpp"

using factory::lang::dependency_lines;
using factory::lang::is_dependency_manifest;

TEST_CASE("manifests are recognised by name") {
  CHECK(is_dependency_manifest("requirements.txt"));
  CHECK(is_dependency_manifest("sub/requirements-dev.txt"));
  CHECK(is_dependency_manifest("go.mod"));
  CHECK(is_dependency_manifest("crates/x/Cargo.toml"));
  CHECK(is_dependency_manifest("web/package.json"));
  CHECK(is_dependency_manifest("pyproject.toml"));
  CHECK_FALSE(is_dependency_manifest("src/requirements.py"));
  CHECK_FALSE(is_dependency_manifest("package-lock.json"));
}

TEST_CASE("requirements files: each requirement line, not comments or options") {
  auto lines =
      dependency_lines("requirements.txt", "# pinned\nrequests==2.31\n\n-r base.txt\nnumpy\n");
  CHECK(lines == std::vector<int>{2, 5});
}

TEST_CASE("go.mod: require lines and require blocks") {
  auto lines = dependency_lines(
      "go.mod",
      "module example.com/calc\n\ngo 1.19\n\nrequire golang.org/x/text v0.3.0\n"
      "require (\n\tgithub.com/a/b v1.2.3\n\tgithub.com/c/d v0.1.0 // indirect\n)\n");
  CHECK(lines == std::vector<int>{5, 7, 8});
}

TEST_CASE("Cargo.toml: entries under dependency tables only") {
  auto lines = dependency_lines(
      "Cargo.toml",
      "[package]\nname = \"calc\"\nversion = \"0.1.0\"\n\n[dependencies]\n"
      "serde = \"1\"\n\n[dev-dependencies]\nproptest = \"1\"\n[profile.release]\nlto = true\n");
  CHECK(lines == std::vector<int>{6, 9});
}

TEST_CASE("package.json: keys inside the dependency objects") {
  auto lines = dependency_lines(
      "package.json",
      "{\n  \"name\": \"web\",\n  \"dependencies\": {\n    \"left-pad\": \"1.0.0\"\n  },\n"
      "  \"devDependencies\": {\n    \"jest\": \"29\"\n  },\n  \"scripts\": {\n    \"test\": "
      "\"jest\"\n  }\n}\n");
  CHECK(lines == std::vector<int>{4, 7});
}

TEST_CASE("pyproject.toml: PEP 621 lists and Poetry tables") {
  auto pep621 = dependency_lines(
      "pyproject.toml",
      "[project]\nname = \"calc\"\ndependencies = [\n  \"requests>=2\",\n  \"rich\",\n]\n"
      "[tool.pytest.ini_options]\naddopts = \"-q\"\n");
  CHECK(pep621 == std::vector<int>{4, 5});
  auto poetry = dependency_lines(
      "pyproject.toml", "[tool.poetry.dependencies]\npython = \"^3.11\"\nrequests = \"^2\"\n");
  CHECK(poetry == std::vector<int>{3});
}
