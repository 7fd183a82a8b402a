#pragma once

#include <string>

namespace factory::core {

// The JSON text of `value` (nlohmann::json or ordered_json; -1: one line). Bytes that are not
// UTF-8 (file names, actor names, tool output) become U+FFFD instead of throwing: JSON must be
// UTF-8, and a stray byte must never cost a recorded event or a report.
template <class Json>
std::string json_text(const Json& value, int indent = -1) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace factory::core
