#include <doctest/doctest.h>

#include <stdexcept>

#include "coverage/analysis.hpp"
#include "coverage/report.hpp"
#include "coverage/report_json.hpp"

using namespace factory::coverage;

namespace {

Analysis sample_analysis() {
  Report r;
  auto& f = r.files["src/pay.py"];
  f.path = "src/pay.py";
  f.lines = {{1, 1}, {2, 0}, {3, 0}, {4, 1}};
  f.functions = {{"charge_card", 1, 4, 1}};
  r.outside = {"/elsewhere/x.py"};
  Rules rules;
  rules.min_percent = 80;
  rules.min_patch_percent = 75.5;
  rules.critical_paths = {"charge_card()"};
  return analyze(r, {{"src/pay.py", {2, 3, 4}}}, rules);
}

}  // namespace

TEST_CASE("an analysis survives JSON and back") {
  Analysis a = sample_analysis();
  nlohmann::json j = to_json(a);
  CHECK(j["overall"]["percent"].get<double>() == doctest::Approx(50.0));
  CHECK(j["patch"]["measured"] == 3);
  CHECK(j["critical"]["items"][0]["covered"] == false);
  CHECK(j["passed"] == false);
  Analysis b = analysis_from_json(nlohmann::json::parse(j.dump()));
  CHECK(to_json(b) == j);
  CHECK(b.critical_gap());
  CHECK(b.min_patch_percent == 75.5);
  CHECK(b.files.at(0).uncovered_changed == std::vector<int>{2, 3});
}

TEST_CASE("a damaged stored analysis is refused with a clear error") {
  nlohmann::json good = to_json(sample_analysis());
  auto broken = [&](auto edit) {
    nlohmann::json j = good;
    edit(j);
    try {
      analysis_from_json(j);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(broken([](auto& j) {
          j = nlohmann::json::array();
        }).find("stored coverage analysis is damaged") == 0);
  CHECK(broken([](auto& j) { j.erase("patch"); }).find("damaged") != std::string::npos);
  CHECK(broken([](auto& j) { j["version"] = 99; }).find("version 99") != std::string::npos);
  CHECK(broken([](auto& j) { j["overall"]["percent"] = "lots"; }).find("damaged") !=
        std::string::npos);
  CHECK(broken([](auto& j) { j["files"] = 3; }).find("damaged") != std::string::npos);
  CHECK(broken([](auto& j) { j["critical"]["items"][0]["uncovered"] = "x"; }).find("damaged") !=
        std::string::npos);
  CHECK(broken([](auto& j) { j = nullptr; }).find("damaged") != std::string::npos);
}

TEST_CASE("the summary names the verdict, the gaps and what to do, within max_lines") {
  std::string s = render_summary(sample_analysis(), 40);
  CHECK(s.find("coverage 50% (2 of 4 lines, minimum 80%)") != std::string::npos);
  CHECK(s.find("patch coverage 33.3% (1 of 3 measured changed lines ran, minimum 75.5%)") !=
        std::string::npos);
  CHECK(s.find("critical paths 0/1 covered") != std::string::npos);
  CHECK(s.find("charge_card (src/pay.py:1-4): lines 2, 3 never ran") != std::string::npos);
  CHECK(s.find("FAIL coverage 50% is below the minimum 80%") != std::string::npos);
  CHECK(s.find("→ add a test that runs charge_card (src/pay.py:1-4): lines 2, 3 never ran") !=
        std::string::npos);
  CHECK(s.find("1 file not in the workspace (first: /elsewhere/x.py)") != std::string::npos);
  std::string cut = render_summary(sample_analysis(), 3);
  CHECK(std::count(cut.begin(), cut.end(), '\n') == 3);
  CHECK(cut.find("more lines") != std::string::npos);
  CHECK(cut.find("coverage 50%") == 0);
}

TEST_CASE("the report model merges and survives JSON with its outside list") {
  Report a;
  a.files["x.py"] = {"x.py", {{1, 1}, {2, 0}}, {{"f", 1, 2, 1}}};
  Report b;
  b.files["x.py"] = {"x.py", {{2, 2}, {3, 0}}, {{"f", 1, 2, 2}, {"g", 3, 3, 0}}};
  b.outside = {"/o.py"};
  merge_report(a, b);
  const auto& x = a.files.at("x.py");
  CHECK(x.lines == std::map<int, long long>{{1, 1}, {2, 2}, {3, 0}});
  REQUIRE(x.functions.size() == 2);
  CHECK(x.functions[0].hits == 3);
  CHECK(a.outside == std::vector<std::string>{"/o.py"});
  Report back = report_from_json(report_to_json(a));
  CHECK(back.files.at("x.py").lines == x.lines);
  CHECK(back.outside == a.outside);
}

TEST_CASE("the stage line rounds down like the dashboard and shows thresholds as given") {
  Analysis a;
  a.percent = 79.6;
  a.min_percent = 80;
  a.patch_percent = 66.67;
  a.min_patch_percent = 66.5;
  a.critical_total = 2;
  a.critical_covered = 1;
  CHECK(stage_line(a) == "coverage 79% (min 80) · patch 66% (min 66.5) · critical 1/2");
  a.patch_percent.reset();
  a.min_patch_percent.reset();
  CHECK(stage_line(a) == "coverage 79% (min 80) · patch n/a · critical 1/2");
}
