#include <doctest/doctest.h>

#include "core/error.hpp"
#include "coverage/readers.hpp"
#include "test_coverage_support.hpp"
#include "test_error_support.hpp"

using namespace factory::coverage;
using coverage_test::detached;
using coverage_test::Workspace;

namespace {

Report lcov(const std::string& text, const ReadOptions& options = detached()) {
  return parse_report(text, Format::lcov, "cov.info", options);
}

std::string error_of(const std::string& text) {
  return factory::testing::usage_error_of([&] { lcov(text); });
}

}  // namespace

TEST_CASE("lcov: lines, functions and their hits") {
  Report r = lcov(
      "TN:\nSF:src/pay.py\nFN:3,charge\nFN:9,refund\nFNDA:4,charge\nFNDA:0,refund\n"
      "DA:3,4\nDA:4,4\nDA:5,0\nDA:9,0\nDA:10,0\nLF:5\nLH:2\nend_of_record\n");
  REQUIRE(r.files.count("src/pay.py"));
  const auto& f = r.files.at("src/pay.py");
  CHECK(f.measured() == 5);
  CHECK(f.covered() == 2);
  REQUIRE(f.functions.size() == 2);
  CHECK(f.functions[0].name == "charge");
  CHECK(f.functions[0].hits == 4);
  CHECK(f.functions[0].last_line == 5);  // up to the last measured line before refund
  CHECK(f.functions[1].last_line == 10);
}

TEST_CASE("lcov 2.x: FN with an end line, FNL/FNA, checksums on DA, CRLF") {
  Report r = lcov(
      "SF:a.c\r\nFN:2,7,main\r\nFNDA:1,main\r\nFNL:0,9,12\r\nFNA:0,0,helper\r\n"
      "DA:2,1,abcd==\r\nDA:3,1\r\nDA:10,0\r\nend_of_record\r\n");
  const auto& f = r.files.at("a.c");
  REQUIRE(f.functions.size() == 2);
  CHECK(f.functions[0].name == "main");
  CHECK(f.functions[0].last_line == 7);
  CHECK(f.functions[1].name == "helper");
  CHECK(f.functions[1].first_line == 9);
  CHECK(f.functions[1].last_line == 12);
  CHECK(f.functions[1].hits == 0);
  // helper's first line had no DA: it counts as measured with the function's hits (diff-cover)
  CHECK(f.lines.at(9) == 0);
}

TEST_CASE("lcov: C++ names are demangled") {
  Report r = lcov(
      "SF:c.cpp\nFN:3,_ZN10Calculator3addEdd\nFNDA:1,_ZN10Calculator3addEdd\nDA:3,1\nend_of_"
      "record\n");
  CHECK(r.files.at("c.cpp").functions.at(0).name == "Calculator::add(double, double)");
}

TEST_CASE("lcov: coverage.py 6 writes DA:0 for an empty module; it measures nothing") {
  Report r =
      lcov("TN:\nSF:pkg/__init__.py\nDA:0,1,1B2M2Y8AsgTpgAmY7PhCfg\nLF:0\nLH:1\nend_of_record\n");
  CHECK(r.files.at("pkg/__init__.py").measured() == 0);
}

TEST_CASE("lcov: several records for one file are summed, as lcov does") {
  Report r =
      lcov("SF:x.py\nDA:1,1\nDA:2,0\nend_of_record\nSF:x.py\nDA:2,3\nDA:3,0\nend_of_record\n");
  const auto& f = r.files.at("x.py");
  CHECK(f.lines.at(1) == 1);
  CHECK(f.lines.at(2) == 3);
  CHECK(f.lines.at(3) == 0);
}

TEST_CASE("lcov bad input: empty, truncated, malformed") {
  CHECK(error_of("").find("cov.info:1: the report is empty") != std::string::npos);
  CHECK(error_of("\n  \n").find("empty") != std::string::npos);
  CHECK(error_of("TN:\n").find("no SF: record") != std::string::npos);
  std::string truncated = error_of("SF:a.py\nDA:1,1\nend_of_record\nSF:b.py\nDA:1,1\nDA:2,");
  CHECK(truncated.find("cov.info:6:") == 0);
  truncated = error_of("SF:a.py\nDA:1,1\nend_of_record\nSF:b.py\nDA:1,1\n");
  CHECK(truncated.find("the record for b.py (from line 4) has no end_of_record") !=
        std::string::npos);
  CHECK(error_of("SF:a.py\nDA:x,1\nend_of_record\n").find("cov.info:2: line 'x' is not a number") ==
        0);
  CHECK(error_of("SF:a.py\nDA:-3,1\nend_of_record\n").find("is not a number") != std::string::npos);
  CHECK(error_of("SF:a.py\nDA:999999999999,1\nend_of_record\n").find("out of range") !=
        std::string::npos);
  CHECK(error_of("DA:1,1\n").find("outside a record") != std::string::npos);
  CHECK(
      error_of("SF:a.py\n\x01\x02garbage\nend_of_record\n").find("cov.info:2: not an lcov line") ==
      0);
  CHECK(error_of("SF:a.py\nSF:b.py\n").find("before the end_of_record of a.py") !=
        std::string::npos);
}

TEST_CASE("lcov: absolute paths inside the workspace are made relative; others are listed") {
  Workspace ws;
  ws.write("src/pay.py", "x = 1\n");
  std::string root = ws.root().string();
  Report r = lcov("SF:" + root +
                      "/src/pay.py\nDA:1,1\nend_of_record\n"
                      "SF:/usr/lib/python3/dist-packages/six.py\nDA:1,1\nend_of_record\n"
                      "SF:src/gone.py\nDA:1,0\nend_of_record\n"
                      "SF:../elsewhere/x.py\nDA:1,0\nend_of_record\n",
                  ws.options());
  CHECK(r.files.size() == 1);
  CHECK(r.files.count("src/pay.py"));
  CHECK(r.outside == std::vector<std::string>{"/usr/lib/python3/dist-packages/six.py",
                                              "src/gone.py", "../elsewhere/x.py"});
}

TEST_CASE("detect_format") {
  CHECK(detect_format("TN:\nSF:x\n") == Format::lcov);
  CHECK(detect_format("SF:x\n") == Format::lcov);
  CHECK(detect_format("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<coverage>") == Format::cobertura);
  CHECK(detect_format("<coverage line-rate=\"1\">") == Format::cobertura);
  CHECK(detect_format("mode: set\nx.go:1.1,2.2 1 1\n") == Format::go_profile);
  CHECK_FALSE(detect_format("<html>"));
  CHECK_FALSE(detect_format(""));
  CHECK_FALSE(detect_format("hello"));
}

TEST_CASE("lcov: a UTF-8 BOM (an editor saved the report) is skipped") {
  Report r = lcov("\xEF\xBB\xBFTN:\nSF:a.py\nDA:1,1\nend_of_record\n", detached());
  CHECK(r.files.at("a.py").lines.at(1) == 1);
}

TEST_CASE("a report run in a sub-folder: relative paths against base_dir, then the root") {
  Workspace ws;
  ws.write("services/api/pay/card.py", "x = 1\n");
  ws.write("lib/util.py", "y = 1\n");
  ReadOptions options = ws.options();
  options.base_dir = ws.root() / "services" / "api";
  Report r = lcov("SF:pay/card.py\nDA:1,0\nend_of_record\nSF:lib/util.py\nDA:1,1\nend_of_record\n",
                  options);
  CHECK(r.files.count("services/api/pay/card.py"));
  CHECK(r.files.count("lib/util.py"));
  CHECK(r.outside.empty());
}

TEST_CASE("a folder given as the report is named as one") {
  Workspace ws;
  std::string error = factory::testing::usage_error_of([&] { detect_file_format(ws.root()); });
  CHECK(error.find("is a directory, not a coverage report") != std::string::npos);
}
