#include "coverage/report_json.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace factory::coverage {

nlohmann::json report_to_json(const Report& report) {
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [path, file] : report.files) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& [line, hits] : file.lines) lines.push_back({line, hits});
    nlohmann::json functions = nlohmann::json::array();
    for (const auto& f : file.functions) {
      functions.push_back({f.name, f.first_line, f.last_line, f.hits});
    }
    files[path] = {{"lines", std::move(lines)}, {"functions", std::move(functions)}};
  }
  return {{"format", format_name(report.format)},
          {"files", std::move(files)},
          {"outside", report.outside}};
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
      for (const auto& f : entry.at("functions")) {
        file.functions.push_back({f.at(0).get<std::string>(), f.at(1).get<int>(),
                                  f.at(2).get<int>(), f.at(3).get<long long>()});
      }
      report.files.emplace(path, std::move(file));
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
