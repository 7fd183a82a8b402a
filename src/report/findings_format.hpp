#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "extract/finding.hpp"

namespace factory::report {

// Annotations GitHub shows per step for each of error, warning and notice; the rest are dropped
// by GitHub, so factory drops them itself and says how many.
inline constexpr size_t k_github_cap = 10;

// A SARIF 2.1.0 log: one run (driver "factory"), one result per finding in relevance order,
// level error/warning/note, the location when the log gave one, the tool and the context lines
// as result properties.
nlohmann::ordered_json to_sarif(const extract::Extraction& extraction);

// A path from a log as a SARIF artifact URI: relative paths stay relative (with '/' and
// percent-encoding), absolute ones become file:/// URIs.
std::string sarif_uri(std::string_view path);

// GitHub workflow-command escaping of a message: % CR LF.
std::string github_escape_data(std::string_view text);
// ... and of a property value (file=, title=): % CR LF : and ,.
std::string github_escape_property(std::string_view text);

// One `::error file=F,line=L,col=C,title=T::message` line per finding (::warning for warnings,
// ::notice for info and notes), at most k_github_cap of each, then one plain line saying how many
// were left out (when any were) and "factory: <summary>". No trailing newlines.
std::vector<std::string> github_annotations(const extract::Extraction& extraction);

// "file:line:col: severity: message", leaving out what the log did not give; the message's first
// line only.
std::string finding_line(const extract::Finding& finding);

}  // namespace factory::report
