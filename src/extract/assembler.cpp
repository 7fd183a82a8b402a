#include "extract/assembler.hpp"

#include <algorithm>
#include <charconv>

#include "extract/line_clean.hpp"
#include "extract/project_path.hpp"
#include "extract/ranking.hpp"
#include "extract/structured.hpp"

namespace factory::extract {

namespace {

constexpr size_t k_context_lines = 10;
constexpr size_t k_before_lines = 2;
constexpr size_t k_after_lines = 3;
constexpr size_t k_message_lines = 5;
constexpr size_t k_max_frames = 256;
constexpr int k_max_block_lines = 400;
constexpr size_t k_remembered = 3;

std::string_view field(const Captures& captures, Field f) {
  return captures[static_cast<size_t>(f)];
}

int number(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && value > 0 ? value : 0;
}

std::string context_line(std::string_view line) {
  return std::string(line.substr(0, k_context_width));
}

void add_context(Finding& finding, std::string_view line) {
  if (finding.context.size() < k_context_lines) finding.context.push_back(context_line(line));
}

void add_message_line(Finding& finding, std::string_view text) {
  text = trim(text).substr(0, k_message_width);
  if (text.empty()) return;
  if (finding.message.empty()) {
    finding.message = text;
  } else if (std::count(finding.message.begin(), finding.message.end(), '\n') + 1 <
             static_cast<long>(k_message_lines)) {
    finding.message += "\n";
    finding.message += text;
  }
}

bool json_start(std::string_view line) {
  line = trim(line);
  return line.substr(0, 2) == "{\"" || line.substr(0, 2) == "[{";
}

// Whether a line that starts in [from, until) is empty; `from` is the start of a line.
bool has_empty_line(std::string_view text, size_t from, size_t until) {
  if (from < until && text[from] == '\n') return true;
  size_t at = text.find("\n\n", from);
  return at != std::string_view::npos && at + 1 < until;
}

}  // namespace

Assembler::Assembler(const CompiledTable& table, const Options& options)
    : m_table(table), m_options(options) {}

void Assembler::feed(std::string_view lines) {
  m_text = lines;
  size_t pos = 0;
  while (pos < lines.size()) {
    if (!m_open) {
      size_t candidate = m_table.next_candidate(lines, pos);
      size_t until = candidate == std::string_view::npos ? lines.size() : candidate;
      m_line_no += std::count(lines.begin() + pos, lines.begin() + until, '\n');
      if (!m_header.file.empty() && has_empty_line(lines, pos, until)) m_header.file.clear();
      if (candidate == std::string_view::npos) break;
      pos = candidate;
    }
    size_t end = lines.find('\n', pos);
    if (end == std::string_view::npos) end = lines.size();
    m_line_begin = pos;
    m_line_end = end;
    ++m_line_no;
    // However the input was read, a line is judged by its first k_max_line bytes.
    process(lines.substr(pos, std::min(end - pos, k_max_line)));
    pos = end + 1;
  }
  // Keep the last lines: the next piece of text may open a finding whose context reaches back.
  size_t cursor = lines.size();
  if (cursor > 0 && lines[cursor - 1] == '\n') --cursor;
  std::vector<std::string_view> tail;
  while (tail.size() < k_remembered && cursor > 0) {
    size_t start = lines.rfind('\n', cursor - 1);
    start = start == std::string_view::npos ? 0 : start + 1;
    tail.push_back(lines.substr(start, cursor - start));
    cursor = start == 0 ? 0 : start - 1;
    if (start == 0) break;
  }
  for (auto it = tail.rbegin(); it != tail.rend(); ++it) remember(*it);
  m_text = {};
}

void Assembler::remember(std::string_view line) {
  m_previous.push_back(context_line(line));
  while (m_previous.size() > k_remembered) m_previous.pop_front();
}

void Assembler::process(std::string_view line) {
  // A JSON event first: its text may continue the open finding (a panic inside go test -json).
  if (json_start(line) && process_json(line)) return;
  if (m_open && process_open(line)) return;
  process_idle(line);
}

bool Assembler::process_open(std::string_view line) {
  Captures captures;
  const auto* pattern = m_table.match_in_group(m_open->group, line, captures);
  if (!pattern) {
    close_open();
    return false;
  }
  switch (pattern->spec.kind) {
    case PatternKind::start:
      close_open();
      return false;
    case PatternKind::end:
      apply(*m_open, *pattern, captures, line);
      close_open();
      return true;
    default:
      apply(*m_open, *pattern, captures, line);
      if (++m_open->lines > k_max_block_lines) close_open();
      return true;
  }
}

void Assembler::process_idle(std::string_view line) {
  // A header's file lasts to the empty line ending its block (feed checks skipped lines); its
  // test lasts to the next header: a test may print empty lines.
  if (line.empty()) m_header.file.clear();
  Captures captures;
  const auto* pattern = m_table.match_idle(line, captures);
  if (!pattern) return;
  switch (pattern->spec.kind) {
    case PatternKind::header:
      m_header = {pattern->spec.group, std::string(trim(field(captures, Field::file))),
                  std::string(trim(field(captures, Field::test)))};
      return;
    case PatternKind::passed:
      m_notes.forget(std::string(trim(field(captures, Field::test))));
      return;
    case PatternKind::single: {
      Finding finding = begin(*pattern, captures, line, /*with_context=*/false);
      if (!worth_keeping(finding)) return;  // its context would be built for nothing
      finding.context = lines_before(k_before_lines);
      add_context(finding, line);
      for (auto& after : lines_after(k_after_lines)) add_context(finding, after);
      emit(std::move(finding));
      return;
    }
    case PatternKind::start:
      m_open = Open{begin(*pattern, captures, line),
                    pattern->spec.group,
                    pattern->spec.frames,
                    {},
                    0,
                    std::string(trim(line).substr(0, k_message_width))};
      return;
    default:
      return;  // ignore
  }
}

bool Assembler::process_json(std::string_view line) {
  JsonLine parsed = parse_json_line(line);
  if (!parsed.recognised) return false;
  for (auto& finding : parsed.findings) finding.log_line = m_line_no;
  add(std::move(parsed.findings));
  // go test -json wraps the test's output: read it as the text it was.
  bool was_virtual = m_virtual;
  m_virtual = true;
  std::string_view text = parsed.text;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view piece = text.substr(0, end);
    process(piece);
    remember(piece);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  m_virtual = was_virtual;
  return true;
}

bool Assembler::worth_keeping(const Finding& finding) const {
  if (TestNotes::is_note(finding) || m_findings.size() < m_options.max_findings) return true;
  Finding located;
  located.severity = finding.severity;
  located.priority = finding.priority;
  located.file = finding.file;
  located.line = finding.line;
  located.project_frame = finding.file.empty() || is_project_path(finding.file, m_options.root);
  return relevance(located) > m_weakest;
}

Finding Assembler::begin(const CompiledPattern& pattern, const Captures& captures,
                         std::string_view line, bool with_context) {
  const auto& spec = pattern.spec;
  Finding finding;
  finding.tool = spec.tool;
  auto word = trim(field(captures, Field::severity));
  auto severity = severity_from_word(word);
  if (!severity) severity = severity_from_word(spec.severity);
  finding.severity = severity.value_or(Severity::error);
  finding.file = trim(field(captures, Field::file));
  bool under_header = spec.kind == PatternKind::single && spec.group == m_header.group;
  if (under_header && pattern.group_of[static_cast<size_t>(Field::file)] == 0) {
    finding.file = m_header.file;
  }
  finding.line = number(field(captures, Field::line));
  finding.column = number(field(captures, Field::col));
  finding.code = trim(field(captures, Field::code));
  finding.test = trim(field(captures, Field::test));
  if (under_header && pattern.group_of[static_cast<size_t>(Field::test)] == 0) {
    finding.test = m_header.test;
  }
  finding.message = trim(field(captures, Field::message)).substr(0, k_message_width);
  if (finding.message.empty()) finding.message = spec.message;
  // A format that captures no message still says something: the line itself, or "<test> failed".
  if (finding.message.empty() && finding.test.empty() && spec.kind == PatternKind::single) {
    finding.message = trim(line).substr(0, k_message_width);
  }
  finding.priority = spec.priority;
  finding.log_line = m_line_no;
  if (with_context) {
    finding.context = lines_before(k_before_lines);
    add_context(finding, line);
  }
  return finding;
}

void Assembler::apply(Open& open, const CompiledPattern& pattern, const Captures& captures,
                      std::string_view line) {
  Finding& finding = open.finding;
  add_context(finding, line);
  auto file = trim(field(captures, Field::file));
  int at_line = number(field(captures, Field::line));
  int column = number(field(captures, Field::col));
  if (pattern.spec.kind == PatternKind::frame && !file.empty()) {
    if (open.frames.size() < k_max_frames) {
      open.frames.push_back(
          {std::string(file), at_line, column, is_project_path(file, m_options.root)});
    }
  } else if (!file.empty() && finding.file.empty()) {
    finding.file = file;
    finding.line = at_line;
    finding.column = column;
  }
  if (finding.code.empty()) finding.code = trim(field(captures, Field::code));
  if (finding.test.empty()) finding.test = trim(field(captures, Field::test));
  if (auto word = severity_from_word(trim(field(captures, Field::severity)))) {
    finding.severity = *word;
  }
  add_message_line(finding, field(captures, Field::message));
}

void Assembler::close_open() {
  if (!m_open) return;
  Open open = std::move(*m_open);
  m_open.reset();
  const auto& frames = open.frames;
  if (!frames.empty()) {
    const Frame* chosen = nullptr;
    auto pick = [&](auto first, auto last) {
      auto project = std::find_if(first, last, [](const Frame& f) { return f.project; });
      return project != last ? &*project : &*first;
    };
    chosen = open.pick == FramePick::first ? pick(frames.begin(), frames.end())
                                           : pick(frames.rbegin(), frames.rend());
    if (open.pick != FramePick::none || open.finding.file.empty()) {
      open.finding.file = chosen->file;
      open.finding.line = chosen->line;
      open.finding.column = chosen->column;
    }
  }
  // A test's finding without a message says "<test> failed" (emit), not its first line again.
  if (open.finding.message.empty() && open.finding.test.empty()) {
    open.finding.message = open.first_line;
  }
  emit(std::move(open.finding));
}

void Assembler::emit(Finding finding) {
  if (TestNotes::is_note(finding)) {
    m_notes.hold(std::move(finding));
    return;
  }
  if (finding.severity == Severity::error && finding.line == 0 && !finding.test.empty()) {
    for (auto& note : m_notes.release(finding)) emit(std::move(note));
  }
  if (!finding.test.empty() && finding.message.rfind(finding.test, 0) != 0) {
    finding.message = finding.test + " failed" +
                      (finding.message.empty() ? std::string() : ": " + finding.message);
  }
  finding.project_frame = finding.file.empty() || is_project_path(finding.file, m_options.root);
  int score = relevance(finding);
  if (m_findings.size() < m_options.max_findings) {
    m_findings.push_back(std::move(finding));
    m_relevance.push_back(score);
    m_weakest = std::min(m_weakest, score);
    return;
  }
  // Full: a more relevant finding replaces the least relevant one (the latest among equals).
  // Findings stay in the order they came, which breaks ties when they rank the same. In a dense
  // log most findings are no better than the weakest kept: they cost one comparison.
  if (m_relevance.empty() || score <= m_weakest) return;
  auto weakest = std::min_element(m_relevance.rbegin(), m_relevance.rend());
  auto at = std::distance(weakest, m_relevance.rend()) - 1;
  m_findings.erase(m_findings.begin() + at);
  m_relevance.erase(m_relevance.begin() + at);
  m_findings.push_back(std::move(finding));
  m_relevance.push_back(score);
  m_weakest = *std::min_element(m_relevance.begin(), m_relevance.end());
}

void Assembler::add(std::vector<Finding> findings) {
  for (auto& finding : findings) emit(std::move(finding));
}

std::vector<std::string> Assembler::lines_before(size_t count) const {
  std::vector<std::string> out;
  if (!m_virtual && !m_text.empty()) {
    size_t cursor = m_line_begin;  // start of the current line
    while (out.size() < count && cursor > 0) {
      size_t end = cursor - 1;  // the '\n' ending the previous line
      size_t start = end == 0 ? std::string_view::npos : m_text.rfind('\n', end - 1);
      start = start == std::string_view::npos ? 0 : start + 1;
      out.push_back(context_line(m_text.substr(start, end - start)));
      cursor = start;
    }
  }
  // Reached the start of this text: the lines before it were remembered.
  for (auto it = m_previous.rbegin(); it != m_previous.rend() && out.size() < count; ++it) {
    out.push_back(*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> Assembler::lines_after(size_t count) const {
  std::vector<std::string> out;
  if (m_virtual) return out;
  size_t pos = m_line_end + 1;
  while (out.size() < count && pos < m_text.size()) {
    size_t end = m_text.find('\n', pos);
    if (end == std::string_view::npos) end = m_text.size();
    out.push_back(context_line(m_text.substr(pos, end - pos)));
    pos = end + 1;
  }
  return out;
}

Extraction Assembler::finish() {
  close_open();
  Extraction out;
  out.findings = std::move(m_findings);
  rank(out.findings);
  out.summary = summarise(out.findings);
  return out;
}

}  // namespace factory::extract
