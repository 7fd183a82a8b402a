#pragma once

// Non-throwing access to untrusted JSON, shared by the JSON adapters (structured_*.cpp).

#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "extract/finding.hpp"
#include "extract/structured_detail.hpp"

namespace factory::extract::detail {

using json = nlohmann::json;

// Accessors that never throw: tool output is untrusted, a field may be missing or of any type.
// The member `key` of an object; nullptr when `j` is null, not an object or lacks it.
inline const json* member(const json* j, const char* key) {
  if (j == nullptr || !j->is_object()) return nullptr;
  auto it = j->find(key);
  return it == j->end() ? nullptr : &*it;
}

// The same from a reference.
inline const json* member(const json& j, const char* key) {
  return member(&j, key);
}

// A string value; "" for anything else.
inline std::string text_of(const json* j) {
  return j != nullptr && j->is_string() ? j->get<std::string>() : "";
}

// A non-negative line/column number clamped into int; 0 for anything else (1e400, -4, "12").
inline int int_of(const json* j) {
  if (j == nullptr) return 0;
  if (j->is_number_unsigned())
    return static_cast<int>(std::min<uint64_t>(j->get<uint64_t>(), INT_MAX));
  if (j->is_number_integer())
    return static_cast<int>(std::clamp<int64_t>(j->get<int64_t>(), 0, INT_MAX));
  if (j->is_number_float()) {
    double d = j->get<double>();
    return std::isfinite(d) && d > 0 && d < INT_MAX ? static_cast<int>(d) : 0;
  }
  return 0;
}

// The element `index` of an array; nullptr when out of range or not an array.
inline const json* element(const json* j, size_t index) {
  return j != nullptr && j->is_array() && index < j->size() ? &(*j)[index] : nullptr;
}

// Parses without exceptions: invalid JSON (or invalid UTF-8) gives a discarded value.
inline json parse(std::string_view text) {
  return json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
}

// Appends a context line while the finding has fewer than k_context_lines.
inline void add_context(Finding& finding, std::string line) {
  if (finding.context.size() < k_context_lines) finding.context.push_back(std::move(line));
}

// Whether a JSON value is a SARIF log (a `runs` array and a 2.x version or SARIF schema).
bool is_sarif(const json& j);
// The findings of every run's results.
std::vector<Finding> sarif_findings(const json& log);

}  // namespace factory::extract::detail
