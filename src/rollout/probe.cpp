#include "rollout/probe.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "config/pattern.hpp"
#include "core/error.hpp"
#include "core/lines.hpp"
#include "proc/http_get.hpp"

namespace factory::rollout {

namespace {

constexpr size_t k_excerpt_chars = 40;  // of output that is not a number, in the error
constexpr size_t k_line_chars = 200;    // of the line a log rule matched, in the reason

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The first line of `text`, cut to `max` bytes (never inside a UTF-8 character) with "…".
std::string excerpt(std::string_view text, size_t max) {
  size_t end = std::min(text.find('\n'), text.size());
  if (end <= max) return std::string(text.substr(0, end)) + (end < text.size() ? "…" : "");
  while (max > 0 && is_continuation(text[max])) --max;
  return std::string(text.substr(0, max)) + "…";
}

// The last `max` bytes of `text`, starting on a character boundary.
std::string tail(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t start = text.size() - max;
  while (start < text.size() && is_continuation(text[start])) ++start;
  return std::string(text.substr(start));
}

bool needs_number(const core::RollbackRule& rule) {
  return rule.above || rule.below;
}

size_t output_limit(const core::RollbackRule& rule) {
  return rule.log_match.empty() ? k_reading_tail_bytes : k_log_reading_bytes;
}

std::string_view metric_name(const core::RollbackRule& rule) {
  return rule.metric.empty() ? std::string_view("value") : std::string_view(rule.metric);
}

// The one finite number a threshold probe printed, blanks around it allowed; nullopt for
// anything else ("abc", "", "1 2", "nan", "inf").
std::optional<double> parse_number(std::string_view output) {
  std::string text = core::trimmed(output);
  if (!text.empty() && text.front() == '+') text.erase(0, 1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (!std::isfinite(value)) return std::nullopt;
  return value;
}

// Fills in the number a threshold rule needs, or says why there is none.
void take_number(const core::RollbackRule& rule, bool truncated, ProbeReading& reading) {
  if (!reading.ok || !needs_number(rule)) return;
  std::string text = core::trimmed(reading.output);
  if (auto value = parse_number(text); value && !truncated) {
    reading.value = value;
    return;
  }
  reading.ok = false;
  reading.error = text.empty()
                      ? "printed nothing"
                      : fmt::format("printed no number: '{}'", excerpt(text, k_excerpt_chars));
}

// The words for a command that did not succeed; "" when it did.
std::string command_error(const core::ProcessResult& result, std::chrono::milliseconds timeout) {
  if (result.spawn_failed) {
    return "could not start: " + excerpt(core::trimmed(result.output), k_line_chars);
  }
  if (result.interrupted) return "interrupted";
  if (result.timed_out) return proc::timed_out_text(timeout);
  if (result.term_signal != 0) return fmt::format("killed by signal {}", result.term_signal);
  if (result.exit_code != 0) return fmt::format("exited with {}", result.exit_code);
  return "";
}

// Where the rule was written, for the messages of a pattern that cannot be used.
std::string rule_place(const core::RollbackRule& rule) {
  return rule.line > 0 ? fmt::format("deployment.yaml:{}: ", rule.line) : "deployment.yaml: ";
}

// The first line of `output` the log rule's pattern matches, nullopt when it matches nothing.
std::optional<std::string> matching_line(const core::RollbackRule& rule, std::string_view output) {
  try {
    config::Pattern pattern(rule.log_match);
    if (!pattern.search(output)) return std::nullopt;
    for (std::string_view line : core::split_lines(output)) {
      if (pattern.search(line)) return excerpt(line, k_line_chars);
    }
    return std::string("(a match across lines)");
  } catch (const std::invalid_argument& e) {
    throw core::Error(core::ExitCode::usage,
                      fmt::format("{}log_match '{}' does not compile: {}", rule_place(rule),
                                  rule.log_match, e.what()));
  } catch (const std::runtime_error& e) {
    throw core::Error(core::ExitCode::usage,
                      fmt::format("{}log_match '{}' gave up on the probe output: {}",
                                  rule_place(rule), rule.log_match, e.what()),
                      "simplify the pattern: it backtracks too much on this output");
  }
}

}  // namespace

ProbeReading SystemProber::read(const core::RollbackRule& rule) {
  bool is_url = rule.probe.starts_with("http://") || rule.probe.starts_with("https://");
  return is_url ? read_url(rule) : read_command(rule);
}

ProbeReading SystemProber::read_url(const core::RollbackRule& rule) {
  proc::HttpResult result = proc::http_get(rule.probe, rule.timeout);
  ProbeReading reading;
  reading.ok = result.ok;
  reading.output = tail(result.body, output_limit(rule));
  reading.error = result.error;
  take_number(rule, false, reading);
  return reading;
}

ProbeReading SystemProber::read_command(const core::RollbackRule& rule) {
  core::ProcessRequest request = core::shell_request(rule.probe, m_cwd);
  request.timeout = rule.timeout;
  request.tail_bytes = output_limit(rule);
  core::ProcessResult result = m_runner.run(request);
  ProbeReading reading;
  reading.output = tail(result.output, output_limit(rule));
  reading.error = command_error(result, rule.timeout);
  reading.ok = reading.error.empty();
  bool truncated = result.output_truncated || result.output.size() > reading.output.size();
  take_number(rule, truncated, reading);
  return reading;
}

Verdict judge(const core::RollbackRule& rule, const ProbeReading& reading, int consecutive_errors) {
  if (reading.value && rule.above && *reading.value > *rule.above) {
    return {true, fmt::format("{} {} above {}", metric_name(rule), *reading.value, *rule.above)};
  }
  if (reading.value && rule.below && *reading.value < *rule.below) {
    return {true, fmt::format("{} {} below {}", metric_name(rule), *reading.value, *rule.below)};
  }
  // A failed probe's output is judged too: a command that crashed may have printed the panic.
  if (!rule.log_match.empty()) {
    if (auto line = matching_line(rule, reading.output)) {
      return {true, fmt::format("log matched '{}': {}", rule.log_match, *line)};
    }
  }
  if (!reading.ok && consecutive_errors >= std::max(1, rule.failure_limit)) {
    if (consecutive_errors == 1) return {true, "probe failed: " + reading.error};
    return {true,
            fmt::format("probe failed {} times in a row: {}", consecutive_errors, reading.error)};
  }
  return {};
}

std::string describe_rule(const core::RollbackRule& rule) {
  std::vector<std::string> parts;
  if (rule.above) parts.push_back(fmt::format("above {}", *rule.above));
  if (rule.below) parts.push_back(fmt::format("below {}", *rule.below));
  if (!parts.empty()) parts.front() = fmt::format("{} {}", metric_name(rule), parts.front());
  if (!rule.log_match.empty()) parts.push_back(fmt::format("log matches /{}/", rule.log_match));
  if (parts.empty()) {
    return fmt::format("probe fails {} times in a row", std::max(1, rule.failure_limit));
  }
  return fmt::format("{}", fmt::join(parts, " or "));
}

}  // namespace factory::rollout
