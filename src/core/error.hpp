#pragma once

#include <stdexcept>
#include <string>

namespace factory::core {

// Process exit codes, documented in man/factory.1.
enum class ExitCode : int {
  ok = 0,
  failed = 1,   // a stage or check failed
  usage = 2,    // usage or configuration error
  blocked = 3,  // boundary violation, approval refused, illegal transition
  vcs = 4,      // the VCS refused or failed
  interrupted = 130,
};

// A user-facing error: one line of message, an optional hint, and the exit code to leave with.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message, std::string hint = {})
      : std::runtime_error(message), m_code(code), m_hint(std::move(hint)) {}

  ExitCode code() const { return m_code; }
  const std::string& hint() const { return m_hint; }

 private:
  ExitCode m_code;
  std::string m_hint;
};

}  // namespace factory::core

namespace factory {
using core::Error;
using core::ExitCode;
}  // namespace factory
