#include <fmt/format.h>

#include <stdexcept>

#include "coverage/analysis.hpp"

namespace factory::coverage {

namespace {

constexpr int k_version = 1;

nlohmann::json opt(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::optional<double> get_opt(const nlohmann::json& j, const char* key) {
  const auto& v = j.at(key);
  if (v.is_null()) return std::nullopt;
  if (!v.is_number()) throw std::runtime_error(fmt::format("'{}' is not a number", key));
  return v.get<double>();
}

std::vector<std::string> strings(const nlohmann::json& j) {
  return j.get<std::vector<std::string>>();
}

nlohmann::json file_json(const FileResult& f) {
  return {{"path", f.path},
          {"covered", f.covered},
          {"measured", f.measured},
          {"percent", opt(f.percent)},
          {"patch_covered", f.patch_covered},
          {"patch_measured", f.patch_measured},
          {"patch_percent", opt(f.patch_percent)},
          {"uncovered_changed", f.uncovered_changed}};
}

FileResult file_from(const nlohmann::json& j) {
  FileResult f;
  f.path = j.at("path").get<std::string>();
  f.covered = j.at("covered").get<int>();
  f.measured = j.at("measured").get<int>();
  f.percent = get_opt(j, "percent");
  f.patch_covered = j.at("patch_covered").get<int>();
  f.patch_measured = j.at("patch_measured").get<int>();
  f.patch_percent = get_opt(j, "patch_percent");
  f.uncovered_changed = j.at("uncovered_changed").get<std::vector<int>>();
  return f;
}

nlohmann::json function_json(const FunctionResult& f) {
  return {{"path", f.path},
          {"name", f.name},
          {"first_line", f.first_line},
          {"last_line", f.last_line},
          {"hit", f.hit},
          {"covered", f.covered},
          {"measured", f.measured},
          {"percent", opt(f.percent)}};
}

FunctionResult function_from(const nlohmann::json& j) {
  FunctionResult f;
  f.path = j.at("path").get<std::string>();
  f.name = j.at("name").get<std::string>();
  f.first_line = j.at("first_line").get<int>();
  f.last_line = j.at("last_line").get<int>();
  f.hit = j.at("hit").get<bool>();
  f.covered = j.at("covered").get<int>();
  f.measured = j.at("measured").get<int>();
  f.percent = get_opt(j, "percent");
  return f;
}

nlohmann::json item_json(const CriticalItem& i) {
  return {{"rule", i.rule},
          {"path", i.path},
          {"function", i.function},
          {"first_line", i.first_line},
          {"last_line", i.last_line},
          {"changed_measured", i.changed_measured},
          {"uncovered", i.uncovered},
          {"never_ran", i.never_ran},
          {"not_measured", i.not_measured},
          {"unjudged", i.unjudged},
          {"covered", i.covered()}};
}

CriticalItem item_from(const nlohmann::json& j) {
  CriticalItem i;
  i.rule = j.at("rule").get<std::string>();
  i.path = j.at("path").get<std::string>();
  i.function = j.at("function").get<std::string>();
  i.first_line = j.at("first_line").get<int>();
  i.last_line = j.at("last_line").get<int>();
  i.changed_measured = j.at("changed_measured").get<int>();
  i.uncovered = j.at("uncovered").get<std::vector<int>>();
  i.never_ran = j.at("never_ran").get<bool>();
  i.not_measured = j.at("not_measured").get<bool>();
  i.unjudged = j.value("unjudged", false);  // absent in analyses stored before it existed
  return i;
}

template <typename T, typename F>
std::vector<T> list_from(const nlohmann::json& j, F from) {
  if (!j.is_array()) throw std::runtime_error("expected a list");
  std::vector<T> out;
  for (const auto& e : j) out.push_back(from(e));
  return out;
}

}  // namespace

nlohmann::json to_json(const Analysis& a) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : a.files) files.push_back(file_json(f));
  nlohmann::json functions = nlohmann::json::array();
  for (const auto& f : a.functions) functions.push_back(function_json(f));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& i : a.critical) items.push_back(item_json(i));
  return {
      {"version", k_version},
      {"overall", {{"covered", a.covered}, {"measured", a.measured}, {"percent", opt(a.percent)}}},
      {"patch",
       {{"covered", a.patch_covered},
        {"measured", a.patch_measured},
        {"percent", opt(a.patch_percent)},
        {"changed_lines", a.changed_lines}}},
      {"thresholds",
       {{"min_percent", opt(a.min_percent)}, {"min_patch_percent", opt(a.min_patch_percent)}}},
      {"critical",
       {{"total", a.critical_total}, {"covered", a.critical_covered}, {"items", std::move(items)}}},
      {"files", std::move(files)},
      {"functions", std::move(functions)},
      {"outside", a.outside},
      {"recommendations", a.recommendations},
      {"gate_failures", a.gate_failures},
      {"warnings", a.warnings},
      {"passed", a.passed()},
  };
}

Analysis analysis_from_json(const nlohmann::json& j) {
  try {
    if (!j.is_object()) throw std::runtime_error("not a JSON object");
    int version = j.at("version").get<int>();
    if (version != k_version) {
      throw std::runtime_error(
          fmt::format("version {} (this factory reads {})", version, k_version));
    }
    Analysis a;
    const auto& overall = j.at("overall");
    a.covered = overall.at("covered").get<int>();
    a.measured = overall.at("measured").get<int>();
    a.percent = get_opt(overall, "percent");
    const auto& patch = j.at("patch");
    a.patch_covered = patch.at("covered").get<int>();
    a.patch_measured = patch.at("measured").get<int>();
    a.patch_percent = get_opt(patch, "percent");
    a.changed_lines = patch.at("changed_lines").get<int>();
    a.min_percent = get_opt(j.at("thresholds"), "min_percent");
    a.min_patch_percent = get_opt(j.at("thresholds"), "min_patch_percent");
    const auto& critical = j.at("critical");
    a.critical = list_from<CriticalItem>(critical.at("items"), item_from);
    a.critical_total = critical.at("total").get<int>();
    a.critical_covered = critical.at("covered").get<int>();
    a.files = list_from<FileResult>(j.at("files"), file_from);
    a.functions = list_from<FunctionResult>(j.at("functions"), function_from);
    a.outside = strings(j.at("outside"));
    a.recommendations = strings(j.at("recommendations"));
    a.gate_failures = strings(j.at("gate_failures"));
    if (j.contains("warnings")) a.warnings = strings(j.at("warnings"));
    return a;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("stored coverage analysis is damaged: {}", e.what()));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("stored coverage analysis is damaged: {}", e.what()));
  }
}

}  // namespace factory::coverage
