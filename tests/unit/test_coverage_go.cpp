#include <doctest/doctest.h>

#include "core/error.hpp"
#include "coverage/readers.hpp"
#include "test_coverage_support.hpp"
#include "test_error_support.hpp"

using namespace factory::coverage;
using coverage_test::detached;
using coverage_test::Workspace;

namespace {

const char* k_limiter =
    "package limit\n"                                       // 1
    "\n"                                                    // 2
    "// Limiter limits.\n"                                  // 3
    "type Limiter struct{ n int }\n"                        // 4
    "\n"                                                    // 5
    "func (l *Limiter) Allow(cost int) bool {\n"            // 6
    "\tif cost > l.n {\n"                                   // 7
    "\t\treturn false\n"                                    // 8
    "\t}\n"                                                 // 9
    "\n"                                                    // 10
    "\t// spend it\n"                                       // 11
    "\tl.n -= cost\n"                                       // 12
    "\treturn true\n"                                       // 13
    "}\n"                                                   // 14
    "\n"                                                    // 15
    "func New(n int) *Limiter { return &Limiter{n: n} }\n"  // 16
    "\n"                                                    // 17
    "func (l Limiter[T]) Left() int {\n"                    // 18
    "\treturn l.n\n"                                        // 19
    "}\n";                                                  // 20

std::string error_of(const std::string& text) {
  return factory::testing::usage_error_of(
      [&] { parse_report(text, Format::go_profile, "cover.out", detached()); });
}

}  // namespace

TEST_CASE("Go: import paths map through go.mod; blank, comment and brace lines are dropped") {
  Workspace ws;
  ws.write("go.mod", "module example.com/shop\n\ngo 1.19\n");
  ws.write("limit/limiter.go", k_limiter);
  Report r = parse_report(
      "mode: count\n"
      "example.com/shop/limit/limiter.go:6.41,7.17 1 5\n"
      "example.com/shop/limit/limiter.go:7.17,9.3 1 0\n"
      "example.com/shop/limit/limiter.go:10.2,13.13 2 5\n"
      "example.com/shop/limit/limiter.go:16.27,16.51 1 3\n",
      Format::go_profile, "cover.out", ws.options());
  REQUIRE(r.files.count("limit/limiter.go"));
  const auto& f = r.files.at("limit/limiter.go");
  std::map<int, long long> expected{{6, 5}, {7, 5}, {8, 0}, {12, 5}, {13, 5}, {16, 3}};
  CHECK(f.lines == expected);
  REQUIRE(f.functions.size() == 3);
  CHECK(f.functions[0].name == "(*Limiter).Allow");
  CHECK(f.functions[0].first_line == 6);
  CHECK(f.functions[0].last_line == 14);
  CHECK(f.functions[0].hits == 5);
  CHECK(f.functions[1].name == "New");
  CHECK(f.functions[1].last_line == 16);
  CHECK(f.functions[2].name == "Limiter.Left");
  CHECK(f.functions[2].hits == 0);
}

TEST_CASE("Go: overlapping and repeated blocks count once, at the most-run block") {
  // Two packages' profiles concatenated (-coverpkg): the same blocks twice, one run 0 times.
  Report r = parse_report(
      "mode: set\nx/a.go:3.10,5.2 2 1\nx/a.go:4.5,4.20 1 0\n"
      "mode: set\nx/a.go:3.10,5.2 2 0\nx/a.go:4.5,4.20 1 1\nx/a.go:9.1,9.9 0 1\n",
      Format::go_profile, "cover.out", detached());
  const auto& f = r.files.at("x/a.go");
  std::map<int, long long> expected{{3, 1}, {4, 1}, {5, 1}};  // 9: a block with no statement
  CHECK(f.lines == expected);
}

TEST_CASE("Go: nested modules, absolute paths, files outside the workspace") {
  Workspace ws;
  ws.write("go.mod", "module example.com/shop // the shop\n");
  ws.write("tools/go.mod", "module \"example.com/shop/tools\"\n");
  ws.write("tools/gen.go", "package tools\n");
  ws.write("main.go", "package main\n");
  std::string root = ws.root().string();
  Report r = parse_report(
      "mode: set\n"
      "example.com/shop/tools/gen.go:1.1,1.5 1 1\n" +
          root +
          "/main.go:1.1,1.5 1 1\n"
          "github.com/other/lib/x.go:1.1,1.5 1 1\n"
          "example.com/shop/gone.go:1.1,1.5 1 1\n",
      Format::go_profile, "cover.out", ws.options());
  CHECK(r.files.count("tools/gen.go"));
  CHECK(r.files.count("main.go"));
  CHECK(r.files.size() == 2);
  CHECK(r.outside ==
        std::vector<std::string>{"github.com/other/lib/x.go", "example.com/shop/gone.go"});
}

TEST_CASE("Go bad input: no mode line, malformed block lines, empty") {
  CHECK(error_of("x.go:1.1,2.2 1 1\n").find("cover.out:1: no 'mode:' line") == 0);
  CHECK(error_of("mode: set\nx.go:1.1,2.2 1\n").find("cover.out:2: not a coverprofile block") == 0);
  CHECK(error_of("mode: set\nx.go:1.1,2.2 1 1\nx.go:5.1-6.2 1 1\n").find("cover.out:3:") == 0);
  CHECK(error_of("mode: set\nx.go:9.1,2.2 1 1\n").find("cover.out:2:") ==
        0);  // ends before it starts
  CHECK(error_of("mode: set\nx.go:1.1,2.2 one 1\n").find("cover.out:2:") == 0);
  CHECK(error_of("mode: set\nx.go:1.1,99999999.2 1 1\n").find("cover.out:2:") == 0);
  CHECK(error_of("mode: sometimes\n").find("unknown mode") != std::string::npos);
  CHECK(error_of("mode: set\n").find("no coverage block") != std::string::npos);
  CHECK(error_of("").find("empty") != std::string::npos);
}

TEST_CASE("Go: a BOM is skipped; a damaged block is cut at the end of a readable source") {
  Report bom = parse_report("\xEF\xBB\xBFmode: set\nx.go:1.1,2.2 1 1\n", Format::go_profile,
                            "cover.out", detached());
  CHECK(bom.files.at("x.go").measured() == 2);
  Workspace ws;
  ws.write("go.mod", "module example.com/shop\n");
  ws.write("limit/limiter.go", k_limiter);
  Report r = parse_report("mode: set\nexample.com/shop/limit/limiter.go:6.40,999999.2 5 1\n",
                          Format::go_profile, "cover.out", ws.options());
  CHECK(r.files.at("limit/limiter.go").lines.rbegin()->first == 19);
}
