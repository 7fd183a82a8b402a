#include "contract/pre_commit.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "contract/blocked_message.hpp"
#include "core/error.hpp"
#include "core/lines.hpp"

namespace factory::contract {

namespace {}  // namespace

PreCommitDecision decide_pre_commit(const std::string& given_task, const vcs::StagedChanges& staged,
                                    const char* allow_outside) {
  PreCommitDecision d;
  auto task = hook_task(given_task, staged);
  if (!task) {
    d.message = fmt::format("factory: {} is not a task workspace: no contract to check\n",
                            staged.workspace_root.string());
    return d;
  }
  d.check = check_staged(*task, staged);
  if (d.check->violations.empty()) {
    d.verdict = PreCommitVerdict::allowed;
    return d;
  }
  d.reason = allow_outside ? core::trimmed(allow_outside) : "";
  if (!d.reason.empty()) {
    d.verdict = PreCommitVerdict::escape;
    return d;
  }
  d.verdict = PreCommitVerdict::blocked;
  d.message = blocked_message(*task, d.check->violations, d.check->boundaries);
  if (allow_outside) {
    d.message +=
        "  FACTORY_ALLOW_OUTSIDE is set but empty: an escape needs a reason, e.g.\n"
        "    FACTORY_ALLOW_OUTSIDE=\"hotfix for the release, agreed with the owner\" git commit\n";
  } else {
    d.message +=
        "  to commit anyway, on the record: FACTORY_ALLOW_OUTSIDE=\"<why>\" git commit ...\n";
  }
  return d;
}

int print_pre_commit(const PreCommitDecision& decision) {
  switch (decision.verdict) {
    case PreCommitVerdict::not_a_task:
      if (isatty(STDERR_FILENO)) fmt::print(stderr, "{}", decision.message);
      return 0;
    case PreCommitVerdict::blocked:
      fmt::print(stderr, "{}", decision.message);
      return static_cast<int>(ExitCode::blocked);
    case PreCommitVerdict::allowed:
    case PreCommitVerdict::escape:
      break;
  }
  return 0;
}

}  // namespace factory::contract
