#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/lines.hpp"
#include "coverage/format_readers.hpp"

namespace factory::coverage {

namespace {

constexpr const char* k_hint =
    "a Go coverprofile is 'mode: set|count|atomic' then lines "
    "'file.go:startLine.startCol,endLine.endCol numStatements count'";
constexpr long long k_max_line = 10'000'000;

struct Block {
  int first = 0;
  int last = 0;
  long long statements = 0;
  long long count = 0;
};

// "12.3" -> 12 (the column is checked, not kept).
std::optional<int> position_line(std::string_view pos) {
  auto dot = pos.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto line = parse_integer(pos.substr(0, dot));
  auto column = parse_integer(pos.substr(dot + 1));
  if (!line || !column || *line < 1 || *line > k_max_line) return std::nullopt;
  return static_cast<int>(*line);
}

// "path/x.go:12.3,14.2 2 1" -> (path, block); nullopt when the line is not of that shape.
std::optional<std::pair<std::string_view, Block>> parse_block(std::string_view line) {
  auto last_space = line.rfind(' ');
  if (last_space == std::string_view::npos) return std::nullopt;
  auto mid_space = line.rfind(' ', last_space - 1);
  if (mid_space == std::string_view::npos || last_space == 0) return std::nullopt;
  auto count = parse_integer(line.substr(last_space + 1));
  auto statements = parse_integer(line.substr(mid_space + 1, last_space - mid_space - 1));
  std::string_view where = line.substr(0, mid_space);
  auto colon = where.rfind(':');
  if (!count || !statements || colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view range = where.substr(colon + 1);
  auto comma = range.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  auto first = position_line(range.substr(0, comma));
  auto last = position_line(range.substr(comma + 1));
  // A block is one function body at most; a span of a million lines is a damaged profile.
  if (!first || !last || *last < *first || *last - *first > 1'000'000) return std::nullopt;
  return std::pair{where.substr(0, colon), Block{*first, *last, *statements, *count}};
}

}  // namespace

Report parse_go_profile(std::string_view text, const std::string& name, const PathMapper& mapper) {
  Report report;
  report.format = Format::go_profile;
  bool seen_mode = false;
  int blocks = 0;
  std::map<std::string, std::optional<std::string>> mapped;  // profile path -> repo path
  std::map<std::string, std::optional<int>> lengths;         // repo path -> source lines
  core::for_each_line(text, [&](int number, std::string_view line) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.empty()) return;
    std::string where = fmt::format("{}:{}", name, number);
    // Profiles of several packages are often concatenated, each with its own mode line.
    if (line.substr(0, 6) == "mode: ") {
      auto mode = line.substr(6);
      if (mode != "set" && mode != "count" && mode != "atomic") {
        bad_report(where, fmt::format("unknown mode '{}'", mode.substr(0, 20)), k_hint);
      }
      seen_mode = true;
      return;
    }
    if (!seen_mode) bad_report(where, "no 'mode:' line before the first block", k_hint);
    auto parsed = parse_block(line);
    if (!parsed) {
      bad_report(where, fmt::format("not a coverprofile block: '{}'", line.substr(0, 80)), k_hint);
    }
    ++blocks;
    auto [path, block] = *parsed;
    auto [it, inserted] = mapped.try_emplace(std::string(path));
    if (inserted) it->second = mapper.map(path);
    if (!it->second) {
      note_outside(report, path);
      return;
    }
    if (block.statements == 0) return;  // covers no statement: measures nothing
    auto [length, fresh] = lengths.try_emplace(*it->second);
    if (fresh) length->second = source_line_count(mapper, *it->second);
    // A damaged block may run far past the end of the file: no line there holds code.
    if (length->second) block.last = std::min(block.last, *length->second);
    if (block.last < block.first) return;
    FileCoverage& file = report.files[*it->second];
    file.path = *it->second;
    // Overlapping or repeated blocks (-coverpkg, concatenated profiles) count once: a line ran
    // as often as the most-run block that covers it.
    for (int l = block.first; l <= block.last; ++l) {
      auto [slot, fresh] = file.lines.try_emplace(l, block.count);
      if (!fresh) slot->second = std::max(slot->second, block.count);
    }
  });
  if (!seen_mode) bad_report(name + ":1", "no 'mode:' line: the report is empty", k_hint);
  if (blocks == 0) bad_report(name + ":1", "no coverage block: the report is empty", k_hint);
  return report;
}

}  // namespace factory::coverage
