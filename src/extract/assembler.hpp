#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extractor.hpp"
#include "extract/matcher.hpp"

namespace factory::extract {

// Turns cleaned log text into findings, one pass, in bounded memory: jumps from candidate line to
// candidate line, follows multi-line formats while a finding is open, keeps the most relevant
// findings up to the cap, with a few lines of context each.
class Assembler {
 public:
  Assembler(const CompiledTable& table, const Options& options);

  // Reads complete lines (each ending in '\n'; the last may lack it at end of input).
  void feed(std::string_view lines);
  // Adds findings a structured adapter produced.
  void add(std::vector<Finding> findings);
  // Closes any open finding and returns the ranked result.
  Extraction finish();

 private:
  struct Frame {
    std::string file;
    int line = 0;
    int column = 0;
    bool project = false;
  };
  struct Open {
    Finding finding;
    std::string group;
    FramePick pick = FramePick::none;
    std::vector<Frame> frames;
    int lines = 0;
    std::string first_line;  // the message when no pattern captured one
  };

  void process(std::string_view line);
  bool process_open(std::string_view line);
  void process_idle(std::string_view line);
  bool process_json(std::string_view line);
  Finding begin(const CompiledPattern& pattern, const Captures& captures, std::string_view line);
  void apply(Open& open, const CompiledPattern& pattern, const Captures& captures,
             std::string_view line);
  void close_open();
  void emit(Finding finding);
  std::vector<std::string> lines_before(size_t count) const;
  std::vector<std::string> lines_after(size_t count) const;
  void remember(std::string_view line);

  const CompiledTable& m_table;
  const Options& m_options;
  std::vector<Finding> m_findings;  // in the order they were found
  std::vector<int> m_relevance;     // relevance() of each, computed once
  std::optional<Open> m_open;
  // What the last header line named, for the single findings of its group that follow: the
  // file of eslint's stylish output, the test `go test -v` is running.
  struct Header {
    std::string group;
    std::string file;
    std::string test;
  };
  Header m_header;
  uint64_t m_line_no = 0;
  // Where the current line sits, for context: the text being fed and the line's offsets.
  std::string_view m_text;
  size_t m_line_begin = 0;
  size_t m_line_end = 0;
  bool m_virtual = false;              // reading text unwrapped from a JSON event
  std::deque<std::string> m_previous;  // the last lines of earlier text (and virtual lines)
};

// One log line as kept for context: at most this many bytes.
inline constexpr size_t k_context_width = 300;
// One line of a finding's message: at most this many bytes.
inline constexpr size_t k_message_width = 1000;
// Lines are judged by their first this many bytes; the rest of a longer line is dropped.
inline constexpr size_t k_max_line = 64 << 10;

}  // namespace factory::extract
