#include <doctest/doctest.h>

#include "core/error.hpp"
#include "coverage/diff.hpp"

using factory::coverage::ChangedLines;
using factory::coverage::parse_unified_diff;

TEST_CASE("diff: several files and hunks; context and removed lines do not count") {
  ChangedLines c = parse_unified_diff(
      "diff --git a/src/a.py b/src/a.py\n"
      "index 1111111..2222222 100644\n"
      "--- a/src/a.py\n"
      "+++ b/src/a.py\n"
      "@@ -1,3 +1,4 @@\n"
      " one\n"
      "-two\n"
      "+TWO\n"
      "+2b\n"
      " three\n"
      "@@ -20,2 +21,3 @@ def f():\n"
      " x\n"
      "+y\n"
      " z\n"
      "diff --git a/b.go b/b.go\n"
      "--- a/b.go\n"
      "+++ b/b.go\n"
      "@@ -5 +5 @@\n"
      "-old\n"
      "+new\n"
      "\\ No newline at end of file\n");
  CHECK(c.at("src/a.py") == std::set<int>{2, 3, 22});
  CHECK(c.at("b.go") == std::set<int>{5});
  CHECK(c.size() == 2);
}

TEST_CASE("diff: a removed line that looks like a header stays inside its hunk") {
  ChangedLines c = parse_unified_diff(
      "--- a/x.md\n+++ b/x.md\n@@ -1,3 +1,3 @@\n--- a/old\n+++ b/new\n context\n");
  CHECK(c.size() == 1);
  CHECK(c.at("x.md") == std::set<int>{1});
}

TEST_CASE("diff: new, deleted, renamed, copied, binary and mode-only files") {
  ChangedLines c = parse_unified_diff(
      "diff --git a/new.py b/new.py\nnew file mode 100644\nindex 0000000..1\n--- /dev/null\n"
      "+++ b/new.py\n@@ -0,0 +1,2 @@\n+a\n+b\n"
      "diff --git a/gone.py b/gone.py\ndeleted file mode 100644\nindex 1..0000000\n"
      "--- a/gone.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n"
      "diff --git a/old name.py b/new name.py\nsimilarity index 100%\n"
      "rename from old name.py\nrename to new name.py\n"
      "diff --git a/m.py b/moved/m.py\nsimilarity index 80%\nrename from m.py\n"
      "rename to moved/m.py\n--- a/m.py\n+++ b/moved/m.py\n@@ -1 +1 @@\n-x\n+y\n"
      "diff --git a/img.png b/img.png\nindex 1..2 100644\nBinary files a/img.png and b/img.png "
      "differ\n"
      "diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n"
      "diff --git a/empty b/empty\nnew file mode 100644\nindex 0000000..e69de29\n");
  CHECK(c.at("new.py") == std::set<int>{1, 2});
  CHECK_FALSE(c.count("gone.py"));
  CHECK(c.at("new name.py").empty());
  CHECK_FALSE(c.count("old name.py"));
  CHECK(c.at("moved/m.py") == std::set<int>{1});
  CHECK_FALSE(c.count("m.py"));
  CHECK(c.at("img.png").empty());
  CHECK(c.at("run.sh").empty());
  CHECK(c.at("empty").empty());
}

TEST_CASE("diff: quoted paths with octal-escaped UTF-8, core.quotepath=false, no prefix") {
  ChangedLines c = parse_unified_diff(
      "diff --git \"a/caf\\303\\251 \\\"x\\\".py\" \"b/caf\\303\\251 \\\"x\\\".py\"\n"
      "--- \"a/caf\\303\\251 \\\"x\\\".py\"\n+++ \"b/caf\\303\\251 \\\"x\\\".py\"\n"
      "@@ -0,0 +1 @@\n+a\n"
      "diff --git a/ünï.txt b/ünï.txt\n--- a/ünï.txt\n+++ b/ünï.txt\n@@ -0,0 +1 @@\n+a\n"
      "--- src/plain.c\t2024-01-01 10:00:00\n+++ src/plain.c\t2024-01-02 10:00:00\n"
      "@@ -1 +1,2 @@\n x\n+y\n");
  CHECK(c.at("café \"x\".py") == std::set<int>{1});
  CHECK(c.at("ünï.txt") == std::set<int>{1});
  CHECK(c.at("src/plain.c") == std::set<int>{2});
}

TEST_CASE("diff: hand-edited hunks are read as written, like diff-cover") {
  // The header says 5 new lines; 10 follow (diff-cover's git_diff_dotnet.txt).
  ChangedLines c = parse_unified_diff(
      "--- a/S.cs\n+++ b/S.cs\n@@ -18,10 +18,5 @@ ns\n a\n b\n c\n+1\n+2\n+3\n+4\n+5\n d\n e\n");
  CHECK(c.at("S.cs") == std::set<int>{21, 22, 23, 24, 25});
  // An empty line inside a hunk is a context line whose space was stripped.
  c = parse_unified_diff("--- a/m.lua\n+++ b/m.lua\n@@ -8,4 +8,5 @@\n a\n\n+x\n b\n");
  CHECK(c.at("m.lua") == std::set<int>{10});
}

TEST_CASE("diff: empty text, text that is no diff, CRLF, a bad hunk header") {
  CHECK(parse_unified_diff("").empty());
  CHECK(parse_unified_diff("hello\nworld\n+not a hunk\n").empty());
  ChangedLines c = parse_unified_diff("--- a/w.txt\r\n+++ b/w.txt\r\n@@ -1 +1 @@\r\n-a\r\n+b\r\n");
  CHECK(c.at("w.txt") == std::set<int>{1});
  try {
    parse_unified_diff("--- a/x\n+++ b/x\n@@ garbage @@\n+a\n");
    FAIL("no error");
  } catch (const factory::core::Error& e) {
    CHECK(std::string(e.what()).find("diff:3: cannot read the hunk header") == 0);
  }
}

TEST_CASE("diff: a merge's combined diff (diff --cc, @@@ hunks) is skipped, later files are read") {
  ChangedLines c = parse_unified_diff(
      "diff --cc pay/card.py\n"
      "index 1111111,2222222..3333333\n"
      "--- a/pay/card.py\n"
      "+++ b/pay/card.py\n"
      "@@@ -1,2 -1,2 +1,3 @@@\n"
      "  a\n"
      "+ b\n"
      " +c\n"
      "diff --git a/other.py b/other.py\n"
      "--- a/other.py\n"
      "+++ b/other.py\n"
      "@@ -1 +1,2 @@\n"
      " x\n"
      "+y\n");
  CHECK_FALSE(c.count("pay/card.py"));
  CHECK(c.at("other.py") == std::set<int>{2});
}
