#include <fmt/format.h>

#include <stdexcept>

#include "pipeline/readiness.hpp"

// The readiness metrics as JSON (format in docs/READINESS.md). Every metric object has
// "measured" and, when false, "why".
namespace factory::pipeline {

using nlohmann::json;

namespace {

json base(const std::string& not_measured) {
  json j = {{"measured", not_measured.empty()}};
  if (!not_measured.empty()) j["why"] = not_measured;
  return j;
}

std::string read_base(const json& j) {
  if (j.at("measured").get<bool>()) return "";
  return j.value("why", std::string("unknown"));
}

json optional_number(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

json coverage_json(const core::CoverageMetric& m) {
  json j = base(m.not_measured);
  j["threshold"] = m.threshold;
  if (!m.is_measured()) return j;
  j["percent"] = optional_number(m.percent);
  j["covered"] = m.covered;
  j["lines"] = m.measured;
  j["below_threshold"] = m.below_threshold();
  return j;
}

core::CoverageMetric coverage_from(const json& j) {
  core::CoverageMetric m;
  m.not_measured = read_base(j);
  m.threshold = j.at("threshold").get<int>();
  if (!m.is_measured()) return m;
  if (!j.at("percent").is_null()) m.percent = j.at("percent").get<double>();
  m.covered = j.at("covered").get<int>();
  m.measured = j.at("lines").get<int>();
  return m;
}

json critical_json(const core::CriticalMetric& m) {
  json j = base(m.not_measured);
  j["declared"] = m.declared;
  j["covered"] = m.covered;
  j["total"] = m.total;
  j["gaps"] = m.gaps;
  return j;
}

json lines_json(const core::LinesMetric& m) {
  json j = base(m.not_measured);
  if (!m.is_measured()) return j;
  j.update({{"added", m.added},
            {"removed", m.removed},
            {"files", m.files},
            {"binary_files", m.binary_files},
            {"size", core::size_name(m.size)}});
  return j;
}

core::LinesMetric lines_from(const json& j) {
  core::LinesMetric m;
  m.not_measured = read_base(j);
  if (!m.is_measured()) return m;
  m.added = j.at("added").get<int>();
  m.removed = j.at("removed").get<int>();
  m.files = j.at("files").get<int>();
  m.binary_files = j.at("binary_files").get<int>();
  auto size = core::parse_size(j.at("size").get<std::string>());
  if (!size) throw std::runtime_error("unknown size class");
  m.size = *size;
  return m;
}

json dependencies_json(const core::DependencyMetric& m) {
  json j = base(m.not_measured);
  j["count"] = m.items.size();
  j["items"] = json::array();
  for (const auto& d : m.items) {
    j["items"].push_back({{"file", d.file}, {"line", d.line}, {"name", d.name}});
  }
  return j;
}

json patterns_json(const core::PatternMetric& m) {
  json j = base(m.not_measured);
  j["new_files"] = m.new_files;
  j["directories"] = json::array();
  for (const auto& g : m.groups) {
    j["directories"].push_back({{"path", g.dir}, {"files", g.files}, {"existed", g.existed}});
  }
  j["new_test_files"] = m.new_test_files;
  return j;
}

json boundaries_json(const core::BoundaryMetric& m) {
  json j = base(m.not_measured);
  j["files"] = m.files;
  j["violations"] = json::array();
  for (const auto& v : m.violations)
    j["violations"].push_back({{"path", v.path}, {"reason", v.reason}});
  return j;
}

json stages_json(const core::StagesMetric& m) {
  json j = base(m.not_measured);
  j["green"] = m.green();
  j["total"] = m.stages.size();
  j["items"] = json::array();
  for (const auto& s : m.stages) {
    j["items"].push_back({{"stage", core::stage_name(s.stage)},
                          {"state", core::stage_state_name(s.state)},
                          {"detail", s.detail},
                          {"required", s.required}});
  }
  return j;
}

core::StagesMetric stages_from(const json& j) {
  core::StagesMetric m;
  m.not_measured = read_base(j);
  for (const auto& item : j.at("items")) {
    core::StageStatus s;
    auto stage = core::parse_stage(item.at("stage").get<std::string>());
    auto state = core::parse_stage_state(item.at("state").get<std::string>());
    if (!stage || !state) throw std::runtime_error("unknown stage or stage state");
    s.stage = *stage;
    s.state = *state;
    s.detail = item.at("detail").get<std::string>();
    s.required = item.at("required").get<bool>();
    m.stages.push_back(std::move(s));
  }
  return m;
}

json risk_json(const core::Risk& risk) {
  json j = {{"score", risk.score},
            {"max", core::k_max_risk},
            {"level", core::risk_level_name(risk.level)},
            {"factors", json::array()}};
  for (const auto& f : risk.factors) {
    j["factors"].push_back({{"name", f.name}, {"points", f.points}, {"reason", f.reason}});
  }
  return j;
}

core::Risk risk_from(const json& j) {
  core::Risk risk;
  risk.score = j.at("score").get<int>();
  auto level = core::parse_risk_level(j.at("level").get<std::string>());
  if (!level) throw std::runtime_error("unknown risk level");
  risk.level = *level;
  for (const auto& f : j.at("factors")) {
    risk.factors.push_back({f.at("name").get<std::string>(), f.at("points").get<int>(),
                            f.at("reason").get<std::string>()});
  }
  return risk;
}

core::Readiness from_json(const json& j) {
  core::Readiness r;
  r.tree_id = j.at("tree_id").get<std::string>();
  r.coverage = coverage_from(j.at("coverage"));
  r.patch = coverage_from(j.at("patch_coverage"));
  const auto& c = j.at("critical_paths");
  r.critical = {read_base(c), c.at("declared").get<int>(), c.at("covered").get<int>(),
                c.at("total").get<int>(), c.at("gaps").get<std::vector<std::string>>()};
  r.lines = lines_from(j.at("lines"));
  const auto& d = j.at("new_dependencies");
  r.dependencies.not_measured = read_base(d);
  for (const auto& item : d.at("items")) {
    r.dependencies.items.push_back({item.at("file").get<std::string>(), item.at("line").get<int>(),
                                    item.at("name").get<std::string>()});
  }
  const auto& p = j.at("new_patterns");
  r.patterns.not_measured = read_base(p);
  r.patterns.new_files = p.at("new_files").get<std::vector<std::string>>();
  for (const auto& g : p.at("directories")) {
    r.patterns.groups.push_back(
        {g.at("path").get<std::string>(), g.at("files").get<int>(), g.at("existed").get<bool>()});
  }
  r.patterns.new_test_files = p.at("new_test_files").get<int>();
  const auto& b = j.at("boundaries");
  r.boundaries.not_measured = read_base(b);
  r.boundaries.files = b.at("files").get<int>();
  for (const auto& v : b.at("violations")) {
    r.boundaries.violations.push_back(
        {v.at("path").get<std::string>(), v.at("reason").get<std::string>()});
  }
  r.stages = stages_from(j.at("stages"));
  r.risk = risk_from(j.at("risk"));
  const auto& minutes = j.at("review_estimate_minutes");
  if (!minutes.is_null()) r.review_minutes = minutes.get<int>();
  return r;
}

}  // namespace

json readiness_to_json(const core::Readiness& r) {
  return {{"tree_id", r.tree_id},
          {"coverage", coverage_json(r.coverage)},
          {"patch_coverage", coverage_json(r.patch)},
          {"critical_paths", critical_json(r.critical)},
          {"lines", lines_json(r.lines)},
          {"new_dependencies", dependencies_json(r.dependencies)},
          {"new_patterns", patterns_json(r.patterns)},
          {"boundaries", boundaries_json(r.boundaries)},
          {"stages", stages_json(r.stages)},
          {"risk", risk_json(r.risk)},
          {"review_estimate_minutes", r.review_minutes ? json(*r.review_minutes) : json(nullptr)},
          {"blocking", r.blocking_reasons()}};
}

core::Readiness readiness_from_json(const json& j) {
  try {
    return from_json(j);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("stored readiness metrics are damaged: {}", e.what()));
  }
}

}  // namespace factory::pipeline
