#include "coverage/report_json.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace factory::coverage {

namespace {

nlohmann::json functions_json(const std::vector<FunctionCoverage>& functions) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : functions) out.push_back({f.name, f.first_line, f.last_line, f.hits});
  return out;
}

std::vector<FunctionCoverage> functions_from(const nlohmann::json& json) {
  std::vector<FunctionCoverage> out;
  for (const auto& f : json) {
    out.push_back({f.at(0).get<std::string>(), f.at(1).get<int>(), f.at(2).get<int>(),
                   f.at(3).get<long long>()});
  }
  return out;
}

}  // namespace

nlohmann::json report_to_json(const Report& report) {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [path, file] : report.files) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& [line, hits] : file.lines) lines.push_back({line, hits});
    files[path] = {{"lines", std::move(lines)}, {"functions", functions_json(file.functions)}};
  }
  nlohmann::json unreported = nlohmann::json::object();
  for (const auto& [path, functions] : report.unreported) {
    unreported[path] = functions_json(functions);
  }
  return {{"format", format_name(report.format)},
          {"files", std::move(files)},
          {"outside", report.outside},
          {"unreported", std::move(unreported)}};
}

Report report_from_json(const nlohmann::json& json) {
  try {
    Report report;
    auto format = parse_format(json.at("format").get<std::string>());
    if (!format) throw std::runtime_error("unknown format");
    report.format = *format;
    for (const auto& [path, entry] : json.at("files").items()) {
      FileCoverage file;
      file.path = path;
      for (const auto& line : entry.at("lines")) {
        file.lines[line.at(0).get<int>()] = line.at(1).get<long long>();
      }
      file.functions = functions_from(entry.at("functions"));
      report.files.emplace(path, std::move(file));
    }
    if (json.contains("unreported")) {  // older stored reports have none
      for (const auto& [path, functions] : json.at("unreported").items()) {
        report.unreported[path] = functions_from(functions);
      }
    }
    if (json.contains("outside"))
      report.outside = json.at("outside").get<std::vector<std::string>>();
    return report;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("stored coverage report is damaged: {}", e.what()));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format("stored coverage report is damaged: {}", e.what()));
  }
}

}  // namespace factory::coverage
