#pragma once

#include <vector>

#include "extract/finding.hpp"

namespace factory::extract {

// How relevant a finding is (higher first): severity, then the format's priority, then whether
// it points into the project at a line. Documented in docs/EXTRACTION.md.
int relevance(const Finding& finding);

// Drops repeats (the same place and headline; a test's summary line when its detailed failure
// was found; the generic fallback's findings when a known format recognised something), then
// orders by relevance, earliest in the log first among equals.
void rank(std::vector<Finding>& findings);

// One paragraph: counts by severity, the tools, and the root cause.
std::string summarise(const std::vector<Finding>& findings);

}  // namespace factory::extract
