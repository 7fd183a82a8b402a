// JUnit XML: pytest --junitxml, ctest --output-junit, GoogleTest --gtest_output=xml,
// go-junit-report.
#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <climits>
#include <utility>

#include "extract/line_clean.hpp"
#include "extract/project_path.hpp"
#include "extract/structured_detail.hpp"

namespace factory::extract::detail {

namespace {

struct Frame {
  std::string file;
  int line = 0;
  std::string rest;  // what follows the location on its line
};

// Digits at the start of `text` as a line number; 0 when none (or absurdly many).
int leading_number(std::string_view text, size_t& used) {
  used = 0;
  long value = 0;
  while (used < text.size() && std::isdigit(static_cast<unsigned char>(text[used])) && used < 9) {
    value = value * 10 + (text[used] - '0');
    ++used;
  }
  return static_cast<int>(value);
}

// A source path as test frameworks print it: no spaces, and a file name with an extension.
bool plausible_path(std::string_view path) {
  if (path.empty() || path.find_first_of(" \t\"'<>()=,") != std::string_view::npos) return false;
  size_t slash = path.find_last_of('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < name.size();
}

// `path:12: ...`, `path:12` (pytest, GoogleTest, go test), `path(12): ...` (MSVC-style), and
// Python's `File "path", line 12, in f`.
std::optional<Frame> frame_in(std::string_view line) {
  line = trim(line);
  if (line.substr(0, 6) == "File \"") {
    size_t quote = line.find('"', 6);
    if (quote == std::string_view::npos || line.substr(quote, 8) != "\", line ")
      return std::nullopt;
    size_t used = 0;
    int number = leading_number(line.substr(quote + 8), used);
    if (used == 0) return std::nullopt;
    return Frame{std::string(line.substr(6, quote - 6)), number, ""};
  }
  size_t colon = line.find_first_of(":(");
  if (colon == std::string_view::npos || !plausible_path(line.substr(0, colon)))
    return std::nullopt;
  size_t used = 0;
  int number = leading_number(line.substr(colon + 1), used);
  if (used == 0 || number == 0) return std::nullopt;
  std::string_view after = line.substr(colon + 1 + used);
  if (line[colon] == '(') {
    if (after.substr(0, 1) != ")") return std::nullopt;
    after.remove_prefix(1);
  }
  if (!after.empty() && after[0] != ':') return std::nullopt;
  if (!after.empty()) after.remove_prefix(1);
  return Frame{std::string(line.substr(0, colon)), number, std::string(trim(after))};
}

struct Located {
  Frame frame;
  size_t index = 0;  // its line in `lines`
  bool project = false;
};

// The frame a person would open: the last one in project code (pytest prints the raising frame
// last), else the last of any.
std::optional<Located> pick_frame(const std::vector<std::string>& lines) {
  std::optional<Located> any, project;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto frame = frame_in(lines[i]);
    if (!frame) continue;
    bool own = is_project_path(frame->file, {});
    Located located{std::move(*frame), i, own};
    if (own) project = located;
    any = std::move(located);
  }
  return project ? project : any;
}

bool is_pytest_error_line(std::string_view line) {
  return line.substr(0, 2) == "E ";
}

// Up to k_context_lines lines around the frame at `index`. pytest prints the code and its
// "E   ..." lines above the frame (and, when the frame is not the last, adds the final "E" lines);
// GoogleTest prints the details below the location.
std::vector<std::string> window(const std::vector<std::string>& lines, size_t index) {
  using Diff = std::vector<std::string>::difference_type;
  bool pytest = std::any_of(lines.begin(), lines.end(),
                            [](const auto& line) { return is_pytest_error_line(line); });
  if (!pytest) {
    size_t start = index > 0 ? index - 1 : 0;
    size_t end = std::min(lines.size(), start + k_context_lines);
    start = end > k_context_lines ? end - k_context_lines : 0;
    return {lines.begin() + static_cast<Diff>(start), lines.begin() + static_cast<Diff>(end)};
  }
  constexpr size_t k_errors = 3;
  size_t start =
      index + k_errors + 1 > k_context_lines ? index + k_errors + 1 - k_context_lines : 0;
  std::vector<std::string> out(lines.begin() + static_cast<Diff>(start),
                               lines.begin() + static_cast<Diff>(index + 1));
  std::vector<std::string> errors;
  for (size_t i = index + 1; i < lines.size(); ++i) {
    if (is_pytest_error_line(lines[i])) errors.push_back(lines[i]);
  }
  size_t skip = errors.size() > k_errors ? errors.size() - k_errors : 0;
  out.insert(out.end(), errors.begin() + static_cast<Diff>(skip), errors.end());
  return out;
}

// The headline of a failure attribute or text: its lines, minus a first line that is only a
// location (GoogleTest puts "file:12" first), at most k_context_lines.
std::string headline(const std::vector<std::string>& lines) {
  size_t first = 0;
  while (first < lines.size() && trim(lines[first]).empty()) ++first;
  if (first < lines.size()) {
    auto frame = frame_in(lines[first]);
    if (frame && (frame->rest.empty() || frame->rest == "Failure")) ++first;
  }
  std::string out;
  for (size_t i = first; i < lines.size() && i < first + k_context_lines; ++i) {
    if (!out.empty()) out += '\n';
    out += lines[i];
  }
  return std::string(trim(out));
}

// What failed, from the text near a frame: GoogleTest's line after "file:12: Failure", pytest's
// "E   ..." line, else what the frame's line says.
std::string message_near(const std::vector<std::string>& lines, const Located& at) {
  for (const auto& line : lines) {
    if (is_pytest_error_line(line)) return std::string(trim(line.substr(1)));
  }
  if (at.frame.rest.empty() || at.frame.rest == "Failure") {
    for (size_t i = at.index + 1; i < lines.size(); ++i) {
      if (!trim(lines[i]).empty()) return std::string(trim(lines[i]));
    }
  }
  return at.frame.rest;
}

std::string tool_of(pugi::xml_node testcase, const std::string& suite) {
  if (suite == "pytest") return "pytest";
  if (testcase.attribute("result")) return "gtest";
  if (testcase.attribute("status")) return "ctest";
  return "junit";
}

// A failure attribute that only says "failed" (go-junit-report) names no cause.
bool says_nothing(const std::string& message) {
  return message.empty() || severity_from_word(message).has_value();
}

std::string first_text_line(const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    if (!trim(line).empty()) return std::string(trim(line));
  }
  return "";
}

Finding testcase_finding(pugi::xml_node testcase, pugi::xml_node failure,
                         const std::string& suite) {
  Finding finding;
  finding.tool = tool_of(testcase, suite);
  finding.severity = Severity::error;
  std::string name = testcase.attribute("name").as_string();
  std::string classname = testcase.attribute("classname").as_string();
  finding.test = classname.empty() || classname == name ? name : classname + "." + name;

  auto text = split_lines(failure.text().as_string());
  auto attribute = split_lines(failure.attribute("message").as_string());
  std::vector<std::string> output;  // ctest leaves the failure empty: the test's output says why
  if (text.empty() && attribute.empty()) {
    output = split_lines(testcase.child("system-out").text().as_string());
    for (auto& line : split_lines(testcase.child("system-err").text().as_string())) {
      output.push_back(std::move(line));
    }
  }
  const auto& body = !text.empty() ? text : !attribute.empty() ? attribute : output;
  auto at = pick_frame(body);

  // The failing line in project code beats the testcase's attributes (the test's first line).
  pugi::xml_attribute file = testcase.attribute("file");
  if (at && (at->project || !file)) {
    finding.file = at->frame.file;
    finding.line = at->frame.line;
  } else if (file) {
    finding.file = file.as_string();
    int line = std::clamp(testcase.attribute("line").as_int(), 0, INT_MAX - 1);
    // pytest writes the 0-based line of the test's `def`.
    finding.line = suite == "pytest" ? line + 1 : line;
  }

  finding.message = headline(attribute);
  if (says_nothing(finding.message) && at) finding.message = message_near(body, *at);
  if (says_nothing(finding.message)) finding.message = first_text_line(text);
  if (finding.message.empty()) finding.message = finding.test + " failed";

  if (at) {
    finding.context = window(body, at->index);
  } else {
    size_t skip = output.size() > k_context_lines ? output.size() - k_context_lines : 0;
    const auto& lines = text.empty() ? output : text;
    size_t begin = text.empty() ? skip : 0;
    for (size_t i = begin; i < lines.size() && finding.context.size() < k_context_lines; ++i) {
      finding.context.push_back(lines[i]);
    }
  }
  return finding;
}

// Collects <testcase> elements at any depth, each with the name of its innermost <testsuite>,
// without recursion and without walking up from each testcase: documents can nest deeply.
struct TestcaseWalker : pugi::xml_tree_walker {
  struct Found {
    pugi::xml_node testcase;
    std::string suite;
  };
  std::vector<Found> testcases;
  std::vector<std::pair<int, std::string>> suites;  // the open <testsuite>s: depth, name

  bool for_each(pugi::xml_node& node) override {
    while (!suites.empty() && suites.back().first >= depth()) suites.pop_back();
    std::string_view name = node.name();
    if (name == "testsuite") suites.emplace_back(depth(), node.attribute("name").as_string());
    if (name == "testcase") testcases.push_back({node, suites.empty() ? "" : suites.back().second});
    return true;
  }
};

pugi::xml_node failure_of(pugi::xml_node testcase) {
  for (auto child : testcase.children()) {
    std::string_view name = child.name();
    if (name == "failure" || name == "error") return child;
  }
  return {};
}

}  // namespace

std::optional<std::vector<Finding>> parse_junit(std::string_view text) {
  pugi::xml_document document;
  if (!document.load_buffer(text.data(), text.size())) return std::nullopt;
  std::string_view root = document.document_element().name();
  if (root != "testsuites" && root != "testsuite") return std::nullopt;
  TestcaseWalker walker;
  document.traverse(walker);
  std::vector<Finding> findings;
  for (const auto& [testcase, suite] : walker.testcases) {
    if (auto failure = failure_of(testcase))
      findings.push_back(testcase_finding(testcase, failure, suite));
  }
  return findings;
}

}  // namespace factory::extract::detail
