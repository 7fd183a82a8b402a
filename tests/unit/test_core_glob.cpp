#include <doctest/doctest.h>

#include <string>

#include "core/glob.hpp"

using factory::core::glob_match;
using factory::core::glob_match_any;

TEST_CASE("a pattern without a slash matches the file name at any depth") {
  CHECK(glob_match("test_*.py", "test_calc.py"));
  CHECK(glob_match("test_*.py", "a/b/test_x.py"));
  CHECK(glob_match("*_test.go", "pkg/web/handler_test.go"));
  CHECK_FALSE(glob_match("test_*.py", "a/b/calc.py"));
  CHECK_FALSE(glob_match("test_*.py", "a/test_x.pyc"));
}

TEST_CASE("a pattern with a slash is anchored at the root") {
  CHECK(glob_match("tests/**", "tests/test_a.py"));
  CHECK(glob_match("tests/**", "tests/unit/deep/test_a.py"));
  CHECK_FALSE(glob_match("tests/**", "src/tests/test_a.py"));
  CHECK_FALSE(glob_match("tests/**", "tests"));
  CHECK(glob_match("/src/main.go", "src/main.go"));
  CHECK_FALSE(glob_match("src/main.go", "lib/src/main.go"));
}

TEST_CASE("** spans any number of directories, including none") {
  CHECK(glob_match("**/x.txt", "x.txt"));
  CHECK(glob_match("**/x.txt", "a/b/c/x.txt"));
  CHECK(glob_match("src/**/test_*.py", "src/test_a.py"));
  CHECK(glob_match("src/**/test_*.py", "src/a/b/test_a.py"));
  CHECK_FALSE(glob_match("src/**/test_*.py", "lib/a/test_a.py"));
}

TEST_CASE("* and ? do not cross a slash") {
  CHECK(glob_match("src/*.py", "src/a.py"));
  CHECK_FALSE(glob_match("src/*.py", "src/pkg/a.py"));
  CHECK(glob_match("src/?.c", "src/a.c"));
  CHECK_FALSE(glob_match("src/?.c", "src/ab.c"));
  CHECK_FALSE(glob_match("a?b", "a/b"));
}

TEST_CASE("character classes, ranges and negation") {
  CHECK(glob_match("file[0-9].txt", "file7.txt"));
  CHECK_FALSE(glob_match("file[0-9].txt", "filex.txt"));
  CHECK(glob_match("file[!0-9].txt", "filex.txt"));
  CHECK_FALSE(glob_match("file[!0-9].txt", "file3.txt"));
  CHECK(glob_match("[ab]*.go", "b_test.go"));
  CHECK(glob_match("[]x].md", "].md"));
  // An unterminated class is taken literally instead of failing.
  CHECK(glob_match("a[b", "a[b"));
}

TEST_CASE("a trailing slash matches a directory and everything below it") {
  CHECK(glob_match("__pycache__/", "a/__pycache__/b.pyc"));
  CHECK(glob_match("__pycache__/", "__pycache__/b.pyc"));
  CHECK(glob_match("target/", "target/debug/app"));
  CHECK(glob_match("target/", "target/"));
  // A file with the directory's name is not a directory.
  CHECK_FALSE(glob_match("target/", "src/target"));
  CHECK(glob_match("src/gen/", "src/gen/a/b.c"));
  CHECK_FALSE(glob_match("src/gen/", "lib/src/gen/a.c"));
}

TEST_CASE("as in gitignore, a matching directory covers the files below it") {
  CHECK(glob_match("node_modules", "web/node_modules/x/index.js"));
  CHECK(glob_match(".coverage", ".coverage"));
  CHECK(glob_match("src/web", "src/web/handler.go"));
}

TEST_CASE("escapes, empty input and many stars") {
  CHECK(glob_match("a\\*b", "a*b"));
  CHECK_FALSE(glob_match("a\\*b", "axb"));
  CHECK_FALSE(glob_match("", "a"));
  CHECK_FALSE(glob_match("*", ""));
  std::string path(200, 'a');
  CHECK_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*b", path));
  CHECK(glob_match("*a*a*a*a*a*a*a*a*a*a*", path));
}

TEST_CASE("glob_match_any") {
  std::vector<std::string> globs = {"tests/**", "test_*.py", "*_test.py"};
  CHECK(glob_match_any(globs, "tests/conftest.py"));
  CHECK(glob_match_any(globs, "pkg/calc_test.py"));
  CHECK_FALSE(glob_match_any(globs, "pkg/calc.py"));
  CHECK_FALSE(glob_match_any({}, "pkg/calc.py"));
}
