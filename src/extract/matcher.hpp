#pragma once

#include <re2/re2.h>
#include <re2/set.h>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "extract/pattern_table.hpp"

namespace factory::extract {

// The named groups a pattern may capture, in this order.
enum class Field { file, line, col, severity, message, code, test };
inline constexpr size_t k_field_count = 7;

// What one matched line captured; empty views for groups the pattern lacks or left unmatched.
using Captures = std::array<std::string_view, k_field_count>;

// One pattern, compiled.
struct CompiledPattern {
  PatternSpec spec;
  std::unique_ptr<RE2> re;
  std::array<int, k_field_count> group_of{};  // capture index per Field, 0 = absent
  int groups = 0;
};

// The whole table, compiled once: a single RE2 over every pattern that can begin a finding finds
// candidate lines in a chunk in one linear pass; an RE2::Set then says which pattern matched.
class CompiledTable {
 public:
  explicit CompiledTable(const std::vector<PatternSpec>& specs);

  // Start of the next line at or after `pos` that may begin a finding (or is a JSON line);
  // npos when there is none.
  size_t next_candidate(std::string_view text, size_t pos) const;
  // The first pattern, in table order, of kind single/start/ignore/header matching `line`.
  const CompiledPattern* match_idle(std::string_view line, Captures& captures) const;
  // The first pattern of `group` (start/continue/frame/end) matching `line`.
  const CompiledPattern* match_in_group(const std::string& group, std::string_view line,
                                        Captures& captures) const;

 private:
  bool capture(const CompiledPattern& pattern, std::string_view line, Captures& captures) const;

  std::vector<CompiledPattern> m_patterns;
  std::vector<size_t> m_idle;  // indexes into m_patterns, in Set order
  std::map<std::string, std::vector<size_t>, std::less<>> m_by_group;  // start/continue/frame/end
  std::unique_ptr<RE2> m_candidates;
  std::unique_ptr<RE2::Set> m_idle_set;
};

}  // namespace factory::extract
