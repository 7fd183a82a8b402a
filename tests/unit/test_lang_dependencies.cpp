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

TEST_CASE("CMake: each find_package call names a package") {
  CHECK(is_dependency_manifest("CMakeLists.txt"));
  CHECK(is_dependency_manifest("cmake/deps.cmake"));
  auto found = factory::lang::declared_dependencies(
      "CMakeLists.txt",
      "project(calc)\n# find_package(Old)\nfind_package(fmt REQUIRED)\n  find_package( "
      "Boost 1.74 COMPONENTS system)\npkg_check_modules(X REQUIRED x)\n");
  using D = factory::lang::Dependency;
  CHECK(found == std::vector<D>{{3, "fmt"}, {4, "Boost"}});
}

TEST_CASE("every manifest kind names the dependency it declares") {
  using factory::lang::declared_dependencies;
  using D = factory::lang::Dependency;
  CHECK(declared_dependencies("requirements.txt", "requests[socks]==2.31\n") ==
        std::vector<D>{{1, "requests"}});
  CHECK(declared_dependencies("go.mod", "require (\n\tgithub.com/a/b v1.2.3\n)\n") ==
        std::vector<D>{{2, "github.com/a/b"}});
  CHECK(declared_dependencies("Cargo.toml", "[dependencies]\nserde = \"1\"\n") ==
        std::vector<D>{{2, "serde"}});
  CHECK(declared_dependencies("package.json", "{\"dependencies\": {\n  \"left-pad\": \"1\"\n}}") ==
        std::vector<D>{{2, "left-pad"}});
  CHECK(declared_dependencies("pyproject.toml",
                              "[project]\ndependencies = [\n  \"rich>=13\",\n]\n") ==
        std::vector<D>{{3, "rich"}});
  CHECK(declared_dependencies("pyproject.toml",
                              "[tool.poetry.dependencies]\npython = \"^3\"\n"
                              "httpx = \"^0.27\"\n") == std::vector<D>{{3, "httpx"}});
}
