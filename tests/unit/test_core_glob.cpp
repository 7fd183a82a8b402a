#include <doctest/doctest.h>

#include <string>

#include "core/glob.hpp"

using factory::core::glob_error;
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

TEST_CASE("glob_error accepts the globs a contract uses") {
  for (const char* ok : {"**", "src/**", "*.md", "tests/unit/", "/src/main.go", "!src/gen/**",
                         "file[0-9].txt", "[]x].md", "a\\*b", "a\\[b", "docs/**/*.md", "é/ü*.txt",
                         "-leading-dash", "with space/*", "..hidden", "a/.env", "x..y"}) {
    CAPTURE(ok);
    CHECK_FALSE(glob_error(ok).has_value());
  }
}

TEST_CASE("glob_error refuses globs that are empty or can never match") {
  CHECK(glob_error("")->find("empty") != std::string::npos);
  CHECK(glob_error("/")->find("empty") != std::string::npos);
  CHECK(glob_error("!")->find("negates nothing") != std::string::npos);
  CHECK(glob_error("//etc/passwd")->find("'//'") != std::string::npos);
  CHECK(glob_error("src//a")->find("'//'") != std::string::npos);
  CHECK(glob_error("../secrets/**")->find("'..'") != std::string::npos);
  CHECK(glob_error("src/../x")->find("'..'") != std::string::npos);
  CHECK(glob_error("./src/**")->find("'.'") != std::string::npos);
  CHECK(glob_error("src/./")->find("'.'") != std::string::npos);
  CHECK(glob_error("!../x")->find("'..'") != std::string::npos);
  CHECK(glob_error("a[b")->find("never closed") != std::string::npos);
  CHECK(glob_error("[!")->find("never closed") != std::string::npos);
  CHECK(glob_error("[]")->find("never closed") != std::string::npos);
  CHECK(glob_error("a\\")->find("trailing backslash") != std::string::npos);
  CHECK(glob_error(std::string("a\0b", 3))->find("NUL") != std::string::npos);
  // An escaped backslash at the end is fine, and so is an escaped '['.
  CHECK_FALSE(glob_error("a\\\\").has_value());
}
