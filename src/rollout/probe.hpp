#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/deployment.hpp"
#include "core/process.hpp"

namespace factory::rollout {

// The most output a reading keeps for a threshold rule (the tail): enough for a number and an
// error message. A log_match rule keeps up to 64 KiB, since every line of it is judged.
inline constexpr size_t k_reading_tail_bytes = 4 * 1024;
inline constexpr size_t k_log_reading_bytes = 64 * 1024;

// What one run of a rule's probe saw.
struct ProbeReading {
  bool ok = false;              // the probe ran, succeeded and printed what the rule needs
  std::optional<double> value;  // the number it printed (threshold rules)
  std::string output;           // the tail of what it printed (a log rule judges this)
  std::string error;            // when !ok, in a few words: "exited with 2", "HTTP 500", ...
};

// Runs a rule's probe; the seam between the rollout controller and real commands and servers.
class Prober {
 public:
  virtual ~Prober() = default;
  virtual ProbeReading read(const core::RollbackRule& rule) = 0;
};

// The real prober: a probe starting with http:// is a GET on this machine (proc/http_get.hpp),
// anything else runs as `/bin/sh -c <probe>` in `cwd` (the repository root), both bounded by the
// rule's timeout.
class SystemProber : public Prober {
 public:
  SystemProber(core::ProcessRunner& runner, std::filesystem::path cwd)
      : m_runner(runner), m_cwd(std::move(cwd)) {}
  ProbeReading read(const core::RollbackRule& rule) override;

 private:
  ProbeReading read_url(const core::RollbackRule& rule);
  ProbeReading read_command(const core::RollbackRule& rule);

  core::ProcessRunner& m_runner;
  std::filesystem::path m_cwd;
};

// Whether a rule fired, and why, in one line for the status and the audit event.
struct Verdict {
  bool fired = false;
  std::string reason;  // "error_rate 0.31 above 0.1", "log matched 'panic': <line>", ...
};

// Judges one reading against its rule. `consecutive_errors` counts the failed readings in a row
// up to and including this one (0 when this one is ok). Thresholds and log_match are checked
// first; failure_limit fires only when nothing else did. Throws core::Error(usage) when the
// log_match pattern does not compile or PCRE2 gives up on the output.
Verdict judge(const core::RollbackRule& rule, const ProbeReading& reading, int consecutive_errors);

// A short description of what fires the rule: "error_rate above 0.1", "log matches /panic/",
// "error_rate above 0.1 or below 0.01".
std::string describe_rule(const core::RollbackRule& rule);

}  // namespace factory::rollout
