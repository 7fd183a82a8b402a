#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "lang/dependencies.hpp"

namespace doctest {
// Shows a failed comparison's dependencies as {line:name, ...}.
template <>
struct StringMaker<std::vector<factory::lang::Dependency>> {
  static String convert(const std::vector<factory::lang::Dependency>& found) {
    std::string out = "{";
    for (const auto& d : found)
      out += (out.size() > 1 ? ", " : "") + std::to_string(d.line) + ":" + d.name;
    return (out + "}").c_str();
  }
};
}  // namespace doctest

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

TEST_CASE("requirements: URLs are named by their #egg, options and local paths name nothing") {
  using factory::lang::declared_dependencies;
  using D = factory::lang::Dependency;
  auto found = declared_dependencies(
      "requirements.txt",
      "git+https://github.com/x/y.git#egg=y\n-r other.txt\n-e .\n--index-url https://pypi.org\n"
      "-e git+https://github.com/x/z.git#egg=zed\nhttps://h/pkg-1.0.tar.gz\n./wheels/w-1.0.whl\n"
      "flask @ https://h/flask.zip\n# see https://h#egg=nope\nrich --hash=sha256:00\n"
      "  --hash=sha256:11\n");
  CHECK(found == std::vector<D>{{1, "y"}, {5, "zed"}, {8, "flask"}, {10, "rich"}});
}

TEST_CASE("pyproject.toml: optional-dependency groups declare their items, not the group name") {
  using factory::lang::declared_dependencies;
  using D = factory::lang::Dependency;
  auto found = declared_dependencies(
      "pyproject.toml",
      "[project]\nname = \"calc\"\nclassifiers = [\n  \"Programming Language :: Python\",\n]\n"
      "dependencies = [\"requests>=2\", 'rich']\n"
      "[project.optional-dependencies]\ndev = [\"pytest>=7\", \"black\"]\ndocs = [\n"
      "  \"sphinx[extras]>=7\",  # the docs\n]\n"
      "[dependency-groups]\ntest = [\"coverage\", {include-group = \"dev\"}]\n");
  CHECK(found == std::vector<D>{{6, "requests"},
                                {6, "rich"},
                                {8, "pytest"},
                                {8, "black"},
                                {10, "sphinx"},
                                {13, "coverage"}});
}

TEST_CASE("pyproject.toml: Poetry group tables count like tool.poetry.dependencies") {
  using factory::lang::declared_dependencies;
  using D = factory::lang::Dependency;
  auto found = declared_dependencies(
      "pyproject.toml",
      "[tool.poetry.dependencies]\npython = \"^3.11\"\nhttpx = { version = \"^0.27\", extras = "
      "[\"http2\"] }\n[tool.poetry.group.dev.dependencies]\npytest = \"^8\"\n"
      "[tool.poetry.group.dev]\noptional = true\n[tool.poetry.group.docs.dependencies]\n"
      "python = \"^3.12\"\nmkdocs = \"*\"\n[tool.poetry.dependencies.uvicorn]\nversion = "
      "\"^0.30\"\n"
      "[tool.poetry.scripts]\ncalc = \"calc:main\"\n");
  CHECK(found == std::vector<D>{{3, "httpx"}, {5, "pytest"}, {10, "mkdocs"}, {11, "uvicorn"}});
}

TEST_CASE("package.json: an empty or one-line dependency object ends where its brace does") {
  using factory::lang::declared_dependencies;
  using D = factory::lang::Dependency;
  CHECK(declared_dependencies(
            "package.json",
            "{\n  \"dependencies\": {},\n  \"scripts\": {\n    \"test\": \"jest\"\n  }\n}\n")
            .empty());
  CHECK(declared_dependencies("package.json",
                              "{\"name\":\"w\",\"dependencies\":{\"a\":\"1\",\"b\":\"npm:c@2\"},"
                              "\"scripts\":{\"t\":\"x\"},\"devDependencies\":{\"jest\":\"29\"}}") ==
        std::vector<D>{{1, "a"}, {1, "b"}, {1, "jest"}});
}

TEST_CASE("added dependencies: a name new to the manifest, not a version bump") {
  using factory::lang::added_dependencies;
  using D = factory::lang::Dependency;
  CHECK(added_dependencies("requirements.txt", "requests==2.0\n", "requests==2.31\nrich\n") ==
        std::vector<D>{{2, "rich"}});
  CHECK(added_dependencies("go.mod", "module m\n\nrequire github.com/a/b v1.0.0\n",
                           "module m\n\nrequire (\n\tgithub.com/a/b v1.2.0\n"
                           "\tgithub.com/c/d v0.1.0\n)\n") ==
        std::vector<D>{{5, "github.com/c/d"}});
  CHECK(added_dependencies("package.json", "{\"dependencies\": {\n  \"lodash\": \"^4.0.0\"\n}}",
                           "{\"dependencies\": {\n  \"lodash\": \"^4.17.21\"\n}}")
            .empty());
  CHECK(added_dependencies("CMakeLists.txt", "find_package(fmt REQUIRED)\n",
                           "find_package(fmt 10 REQUIRED)\nfind_package(Threads)\n") ==
        std::vector<D>{{2, "Threads"}});
  // A multi-line section needs its context: the bumped line alone says nothing.
  CHECK(
      added_dependencies("Cargo.toml", "[dependencies]\nserde = \"1.0\"\n",
                         "[dependencies]\nserde = \"1.0.200\"\n[dev-dependencies]\nserde = \"1\"\n")
          .empty());
  // Every name of a new manifest is new, once.
  CHECK(added_dependencies("pyproject.toml", "",
                           "[project]\ndependencies = [\"rich\"]\n"
                           "[project.optional-dependencies]\ncli = [\"rich\", \"typer\"]\n") ==
        std::vector<D>{{2, "rich"}, {4, "typer"}});
}

TEST_CASE("added dependencies: names compare the way the package index compares them") {
  using factory::lang::added_dependencies;
  using factory::lang::comparable_name;
  CHECK(comparable_name("requirements.txt", "Typing_Extensions") == "typing-extensions");
  CHECK(comparable_name("pyproject.toml", "zope.interface") == "zope-interface");
  CHECK(comparable_name("Cargo.toml", "serde_json") == "serde-json");
  CHECK(comparable_name("go.mod", "github.com/A/b_c") == "github.com/A/b_c");
  CHECK(added_dependencies("requirements.txt", "typing_extensions\n", "Typing-Extensions>=4\n")
            .empty());
}
