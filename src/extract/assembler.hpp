#pragma once

#include <climits>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extractor.hpp"
#include "extract/matcher.hpp"
#include "extract/test_notes.hpp"

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

  // One line: to the open finding if its group takes it, else read afresh.
  void process(std::string_view line);
  // Offers the line to the open finding's group; false when the line closed it instead.
  bool process_open(std::string_view line);
  // A line with no finding open: a header, a single finding, or the start of a multi-line one.
  void process_idle(std::string_view line);
  // A structured JSON line (go test -json, cargo, GCC); false when it is not one.
  bool process_json(std::string_view line);
  // A new finding from a single or start pattern's captures, with the lines before it as
  // context unless `with_context` is false.
  Finding begin(const CompiledPattern& pattern, const Captures& captures, std::string_view line,
                bool with_context = true);
  // Whether emit would keep `finding` (cheap: no context needed to tell).
  bool worth_keeping(const Finding& finding) const;
  // Adds a continuation, frame or end line to the open finding.
  void apply(Open& open, const CompiledPattern& pattern, const Captures& captures,
             std::string_view line);
  // Emits the open finding, located at the frame its format picks.
  void close_open();
  // Keeps a finding, replacing the least relevant one when max_findings are kept already.
  void emit(Finding finding);
  // Up to `count` lines before / after the current one, for context.
  std::vector<std::string> lines_before(size_t count) const;
  std::vector<std::string> lines_after(size_t count) const;
  // Keeps a line for the context of a finding that starts in the next piece of text.
  void remember(std::string_view line);

  const CompiledTable& m_table;
  const Options& m_options;
  std::vector<Finding> m_findings;  // in the order they were found
  std::vector<int> m_relevance;     // relevance() of each, computed once
  int m_weakest = INT_MAX;          // the smallest of m_relevance
  std::optional<Open> m_open;
  // What the last header line named, for the single findings of its group that follow: the
  // file of eslint's stylish output, the test `go test -v` is running.
  struct Header {
    std::string group;
    std::string file;
    std::string test;
  };
  Header m_header;
  TestNotes m_notes;  // what running tests printed, until they pass or fail
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
