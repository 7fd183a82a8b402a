#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "coverage/analysis.hpp"

// Wording shared by the analysis, its recommendations and the summary (docs/COVERAGE.md).
namespace factory::coverage {

// 71.29 -> "71.2": one decimal, rounded down so coverage is never overstated; "80" for 80.0.
std::string format_percent(double value);

// A threshold as the contract or the command line gave it: 66.67 -> "66.67", 80 -> "80".
std::string format_threshold(double value);

// [2, 3, 4, 8, 10] -> "2-4, 8, 10": runs of three or more lines as a range.
std::string format_lines(const std::vector<int>& lines);

// A function name without its parameter list: "Calculator::add(double, double) const" ->
// "Calculator::add"; Go and Python names are unchanged.
std::string function_key(std::string_view name);

// Whether a report function is the one a critical "name()" entry means: equal, equal after
// Go's receiver punctuation "(*" ")" is dropped, or a suffix after '.' or ':'.
bool function_matches(std::string_view name, std::string_view wanted);

// Fills analysis.recommendations: critical gaps first, then other uncovered changed lines,
// grouped by the function that holds them.
void add_recommendations(Analysis& analysis, const Report& report);

// Fills analysis.gate_failures from the thresholds and the critical items.
void add_gate_failures(Analysis& analysis, const Rules& rules);

}  // namespace factory::coverage
