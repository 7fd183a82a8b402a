// diff-cover's own fixtures (tests/corpus/coverage/README.md): factory's patch coverage must
// give the numbers diff-cover printed for the same report and diff.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <regex>
#include <vector>

#include "coverage/analysis.hpp"
#include "coverage/diff.hpp"
#include "coverage/readers.hpp"
#include "test_coverage_support.hpp"

using namespace factory::coverage;
using coverage_test::detached;
using coverage_test::read_fixture;

namespace {

// What a diff-cover console report says.
struct Expected {
  struct File {
    double percent = 0;
    std::vector<int> missing;
  };
  std::map<std::string, File> files;
  int total = 0;
  int missing = 0;
  int percent = -1;  // -1: "No lines with coverage information in this diff."
};

// "2-4,8,10" -> {2, 3, 4, 8, 10}
std::vector<int> expand(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    auto dash = part.find('-');
    int first = std::stoi(part.substr(0, dash));
    int last = dash == std::string::npos ? first : std::stoi(part.substr(dash + 1));
    for (int l = first; l <= last; ++l) out.push_back(l);
  }
  return out;
}

Expected parse_console(const std::string& name) {
  Expected e;
  std::stringstream in(read_fixture(name));
  std::string line;
  std::regex file_line(R"(^(.+) \(([0-9.]+)%\)(: Missing lines (.+))?\s*$)");
  std::regex total(R"(^Total:\s+(\d+) lines?)");
  std::regex missing(R"(^Missing:\s+(\d+) lines?)");
  std::regex coverage(R"(^Coverage:\s+(\d+)%)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, total)) {
      e.total = std::stoi(m[1]);
    } else if (std::regex_search(line, m, missing)) {
      e.missing = std::stoi(m[1]);
    } else if (std::regex_search(line, m, coverage)) {
      e.percent = std::stoi(m[1]);
    } else if (std::regex_match(line, m, file_line)) {
      e.files[m[1]] = {std::stod(m[2]), m[4].matched ? expand(m[4]) : std::vector<int>{}};
    }
  }
  return e;
}

Analysis run(const std::vector<std::string>& reports, const std::string& diff,
             const ReadOptions& options = detached()) {
  Report merged;
  for (const auto& name : reports) {
    auto format = detect_format(read_fixture(name));
    REQUIRE(format);
    merge_report(merged, parse_report(read_fixture(name), *format, name, options));
  }
  return analyze(merged, parse_unified_diff(read_fixture(diff)), Rules{});
}

void check_matches(const Analysis& a, const std::string& console) {
  Expected e = parse_console(console);
  INFO("expected report: " << console);
  if (e.percent < 0) {
    CHECK(a.patch_measured == 0);
    CHECK_FALSE(a.patch_percent);
    return;
  }
  CHECK(a.patch_measured == e.total);
  CHECK(a.patch_measured - a.patch_covered == e.missing);
  REQUIRE(a.patch_percent);
  // diff-cover prints the total rounded to a whole percent, each file to one decimal.
  CHECK(std::lround(*a.patch_percent) == e.percent);
  std::map<std::string, const FileResult*> reported;
  for (const auto& f : a.files) {
    if (f.patch_measured > 0) reported[f.path] = &f;
  }
  CHECK(reported.size() == e.files.size());
  for (const auto& [path, file] : e.files) {
    INFO("file " << path);
    REQUIRE(reported.count(path));
    CHECK(reported[path]->patch_percent.value_or(-1) ==
          doctest::Approx(file.percent).epsilon(0.001));
    CHECK(reported[path]->uncovered_changed == file.missing);
  }
}

}  // namespace

TEST_CASE("Cobertura: an added file (add_console_report, add_json_report)") {
  Analysis a = run({"coverage.xml"}, "git_diff_add.txt");
  check_matches(a, "add_console_report.txt");
  for (const char* json_name : {"add_json_report.json", "add_json_report_float.json"}) {
    auto expected = nlohmann::json::parse(read_fixture(json_name));
    CHECK(a.patch_measured == expected["total_num_lines"].get<int>());
    CHECK(a.patch_measured - a.patch_covered == expected["total_num_violations"].get<int>());
    CHECK(*a.patch_percent == doctest::Approx(expected["total_percent_covered"].get<double>()));
    CHECK(a.changed_lines == expected["num_changed_lines"].get<int>());
    const auto& stats = expected["src_stats"]["test_src.txt"];
    REQUIRE(a.files.size() == 1);
    CHECK(a.files[0].uncovered_changed == stats["violation_lines"].get<std::vector<int>>());
    CHECK(*a.files[0].patch_percent == doctest::Approx(stats["percent_covered"].get<double>()));
  }
}

TEST_CASE("lcov: the same added file (test_added_file_console_lcov)") {
  check_matches(run({"lcov.info"}, "git_diff_add.txt"), "add_console_report.txt");
}

TEST_CASE("a changed file: only the added line counts (Cobertura and lcov)") {
  check_matches(run({"coverage.xml"}, "git_diff_changed.txt"), "changed_console_report.txt");
  check_matches(run({"lcov.info"}, "git_diff_changed.txt"), "changed_console_report.txt");
}

TEST_CASE("a deleted file has no line with coverage information") {
  Analysis a = run({"coverage.xml"}, "git_diff_delete.txt");
  check_matches(a, "delete_console_report.txt");
  CHECK(a.changed_lines == 0);
}

TEST_CASE("moved, unicode and sub-folder cases") {
  check_matches(run({"moved_coverage.xml"}, "git_diff_moved.txt"), "moved_console_report.txt");
  check_matches(run({"unicode_coverage.xml"}, "git_diff_unicode.txt"),
                "unicode_console_report.txt");
  // diff-cover ran from sub/: the report's paths are relative to it.
  ReadOptions options = detached();
  options.repo_root = "/repo";
  options.base_dir = "/repo/sub";
  check_matches(run({"coverage.xml"}, "git_diff_subdir.txt", options),
                "subdir_coverage_console_report.txt");
}

TEST_CASE("several reports merge: a line is covered when any report ran it") {
  check_matches(run({"coverage1.xml", "coverage2.xml"}, "git_diff_mult.txt"),
                "mult_inputs_console_report.txt");
}

TEST_CASE("Windows-style paths (luacov's .\\scripts\\maths.lua) are normalised") {
  check_matches(run({"luacoverage.xml"}, "git_diff_lua.txt"), "lua_console_report.txt");
}

TEST_CASE("real lcov reports: coverage.py, istanbul, llvm-cov") {
  check_matches(run({"real_python_coverage.lcov"}, "git_diff_python.txt"),
                "real_python_console_report.txt");
  check_matches(run({"real_typescript_coverage.lcov"}, "git_diff_typescript.txt"),
                "real_typescript_console_report.txt");
  check_matches(run({"typescript_branches_coverage.lcov"}, "git_diff_typescript_branches.txt"),
                "typescript_branches_console_report.txt");
  check_matches(run({"real_cpp_coverage.lcov"}, "git_diff_cpp.txt"), "real_cpp_console_report.txt");
  check_matches(run({"cpp_functions_coverage.lcov"}, "git_diff_cpp_functions.txt"),
                "cpp_functions_console_report.txt");
}

TEST_CASE("lcov functions are read with their ranges (real_cpp, real_python)") {
  Report cpp =
      parse_report(read_fixture("real_cpp_coverage.lcov"), Format::lcov, "cpp", detached());
  const auto& fns = cpp.files.at("calculator.cpp").functions;
  auto divide = std::find_if(fns.begin(), fns.end(), [](const auto& f) {
    return f.name == "Calculator::divide(double, double)";
  });
  REQUIRE(divide != fns.end());
  CHECK(divide->first_line == 7);
  CHECK(divide->last_line == 12);
  CHECK(divide->hits == 2);
  Report py =
      parse_report(read_fixture("real_python_coverage.lcov"), Format::lcov, "py", detached());
  const auto& add = py.files.at("calculator.py").functions.front();
  CHECK(add.name == "Calculator.add");
  CHECK(add.first_line == 4);
  CHECK(add.last_line == 6);
}

TEST_CASE("--expand-coverage-report is not reproduced: unmeasured lines stay unmeasured") {
  // diff-cover's expand_console_report.txt comes from an opt-in mode that gives lines 3 and 6
  // (absent from the report) the state of the line above; factory does not guess (COVERAGE.md).
  Analysis a = run({"coverage_missing_lines.xml"}, "git_diff_add.txt");
  CHECK(a.patch_measured == 8);
  CHECK(a.files.at(0).uncovered_changed == std::vector<int>{2, 4, 8, 10});
  CHECK(*a.patch_percent == doctest::Approx(50.0));
}
