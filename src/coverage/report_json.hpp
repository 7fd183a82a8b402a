#pragma once

#include <nlohmann/json.hpp>

#include "coverage/report.hpp"

namespace factory::coverage {

// A report as compact JSON, so a stage's measurement can be analysed again later (e.g. by
// `approve` under a contract whose critical paths changed): {"format", "files": {path:
// {"lines": [[line, hits], ...], "functions": [[name, first, last, hits], ...]}}, "outside":
// [path]}.
nlohmann::json report_to_json(const Report& report);

// The inverse; throws std::runtime_error naming what is wrong in a damaged document.
Report report_from_json(const nlohmann::json& json);

}  // namespace factory::coverage
