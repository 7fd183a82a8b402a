#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "extract/finding.hpp"

namespace factory::report {

// The label column of a failure block: "ROOT CAUSE" and two spaces.
inline constexpr size_t k_label_width = 12;
// Longest log line shown on screen: a log line may be 64 KB, a terminal is not.
inline constexpr size_t k_shown_width = 200;
// Lines shown when nothing was recognised.
inline constexpr size_t k_fallback_lines = 10;

// "LABEL       text", the label padded to the label column and painted strong.
std::string labelled(std::string_view label, std::string_view text, bool color);

// A log line made safe to print: control characters replaced, cut at k_shown_width.
std::string printable(std::string_view line);

// `file` relative to `workspace` when it lies under it (so terminals make it clickable from
// there), else as the log wrote it.
std::string display_path(const std::string& file, const std::filesystem::path& workspace);

// "file:line[:col]"; "" when the log named no file.
std::string location(const extract::Finding& finding, const std::filesystem::path& workspace);

// One line: "<test> failed: <message>" when the finding names a test, else the message's
// first line (with its code when the message does not say it).
std::string headline(const extract::Finding& finding);

// The ROOT CAUSE / location / CONTEXT block for the most relevant finding, plus one line naming
// the others; "no error recognised; last 10 lines:" and the lines when there is none. One string
// per line, no newline, not indented. Paths are shown relative to `workspace` (may be empty).
std::vector<std::string> render_root_cause(const extract::Extraction& extraction,
                                           const std::filesystem::path& workspace, bool color);

}  // namespace factory::report
