#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "extract/finding.hpp"

namespace factory::extract {

// A finding as the documented JSON object
// {"tool","severity","file","line","column","message","code","context"}. Invalid UTF-8 in the
// log is replaced, so the result always serialises.
nlohmann::ordered_json to_json(const Finding& finding);
// Reads back what to_json wrote (the stored form in state.db); unknown keys are ignored.
Finding finding_from_json(const nlohmann::json& object);

// {"findings": [...], "summary": "..."}: what `factory extract --format json` prints.
nlohmann::ordered_json to_json(const Extraction& extraction);

// Serialises to one line, replacing invalid UTF-8 rather than throwing.
std::string dump_json(const nlohmann::ordered_json& value, int indent = -1);

}  // namespace factory::extract
