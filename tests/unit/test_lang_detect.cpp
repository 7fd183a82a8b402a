#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "lang/detect.hpp"

namespace fs = std::filesystem;
using factory::lang::detect_language;

namespace {

// A temporary folder removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "factory-detect-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
  void touch(const std::string& relative) const {
    fs::create_directories((path / relative).parent_path());
    std::ofstream(path / relative) << "\n";
  }
};

}  // namespace

TEST_CASE("each marker file selects its language") {
  const std::pair<const char*, const char*> cases[] = {
      {"gleam.toml", "gleam"},      {"go.mod", "go"},         {"Cargo.toml", "rust"},
      {"pyproject.toml", "python"}, {"setup.py", "python"},   {"setup.cfg", "python"},
      {"CMakeLists.txt", "cmake"},  {"package.json", "node"},
  };
  for (const auto& [marker, language] : cases) {
    CAPTURE(marker);
    TempDir dir;
    dir.touch(marker);
    auto found = detect_language(dir.path);
    REQUIRE(found);
    CHECK(found->language == language);
    CHECK(found->marker == fs::path(marker));
  }
}

TEST_CASE("nothing recognisable gives no detection") {
  TempDir dir;
  dir.touch("README.md");
  dir.touch("src/main.c");
  CHECK_FALSE(detect_language(dir.path));
}

TEST_CASE("in one folder the priority order decides") {
  TempDir dir;
  dir.touch("package.json");
  dir.touch("CMakeLists.txt");
  dir.touch("go.mod");
  auto found = detect_language(dir.path);
  REQUIRE(found);
  CHECK(found->language == "go");

  TempDir py;
  py.touch("package.json");
  py.touch("pyproject.toml");
  py.touch("CMakeLists.txt");
  CHECK(detect_language(py.path)->language == "python");
}

TEST_CASE("a marker nearer the root beats a deeper one") {
  TempDir dir;
  dir.touch("services/api/go.mod");
  dir.touch("web/package.json");
  auto found = detect_language(dir.path);
  REQUIRE(found);
  CHECK(found->language == "node");
  CHECK(found->marker == fs::path("web/package.json"));

  dir.touch("CMakeLists.txt");
  CHECK(detect_language(dir.path)->language == "cmake");
}

TEST_CASE("hidden, dependency and build folders are not searched") {
  TempDir dir;
  dir.touch(".github/actions/package.json");
  dir.touch("node_modules/left-pad/package.json");
  dir.touch("vendor/lib/go.mod");
  dir.touch("target/debug/Cargo.toml");
  CHECK_FALSE(detect_language(dir.path));
  dir.touch("app/src/Cargo.toml");
  auto found = detect_language(dir.path);
  REQUIRE(found);
  CHECK(found->language == "rust");
  CHECK(found->marker == fs::path("app/src/Cargo.toml"));
}

TEST_CASE("the search stops after three levels") {
  TempDir dir;
  dir.touch("a/b/c/go.mod");
  CHECK_FALSE(detect_language(dir.path));
}

TEST_CASE("a folder named like a marker is not a marker") {
  TempDir dir;
  fs::create_directories(dir.path / "go.mod");
  dir.touch("setup.py");
  CHECK(detect_language(dir.path)->language == "python");
}
