#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/task_status.hpp"

using namespace factory::core;
using S = TaskStatus;

TEST_CASE("names round-trip") {
  for (int i = 0; i <= static_cast<int>(S::abandoned); ++i) {
    auto s = static_cast<S>(i);
    CHECK(parse_status(status_name(s)) == s);
  }
  CHECK_FALSE(parse_status("done").has_value());
}

TEST_CASE("a run starts from a workable task and ends it in progress, failed or ready") {
  for (S from : {S::created, S::in_progress, S::failed, S::ready_for_decision, S::rolled_back}) {
    CHECK(can_transition(from, S::running));
    CHECK_FALSE(can_transition(from, S::in_progress));  // only through running
    CHECK(is_workable(from));
  }
  CHECK(can_transition(S::running, S::failed));
  CHECK(can_transition(S::running, S::ready_for_decision));
  CHECK(can_transition(S::running, S::in_progress));
  // a run that was cut off (the process killed) leaves the task running; the next run takes over
  CHECK(can_transition(S::running, S::running));
  CHECK(is_workable(S::running));
  // a person decides only after a run made the task ready
  CHECK_FALSE(can_transition(S::running, S::approved));
}

TEST_CASE("approval only from ready_for_decision") {
  CHECK(can_transition(S::ready_for_decision, S::approved));
  CHECK_FALSE(can_transition(S::failed, S::approved));
  CHECK_FALSE(can_transition(S::created, S::approved));
  CHECK(can_transition(S::approved, S::deployed));
  CHECK(can_transition(S::monitoring, S::rolled_back));
}

TEST_CASE("finished tasks go nowhere and cannot be worked on") {
  CHECK(legal_next(S::abandoned).empty());
  CHECK_FALSE(is_workable(S::abandoned));
  // a completed rollout's flag is still in the file: a problem found later can still turn it off
  CHECK(legal_next(S::monitoring_complete) == std::vector<S>{S::rolled_back});
  CHECK_FALSE(is_workable(S::monitoring_complete));
  // a rejected task can still be cleaned up, and nothing else
  CHECK(legal_next(S::rejected) == std::vector<S>{S::abandoned});
  CHECK_FALSE(is_workable(S::rejected));
  CHECK_FALSE(is_workable(S::approved));
}

TEST_CASE("an illegal transition is blocked and names the legal next steps") {
  try {
    check_transition(S::failed, S::deployed);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::blocked);
    CHECK(std::string(e.what()).find("failed") != std::string::npos);
    CHECK(e.hint().find("running") != std::string::npos);
  }
  CHECK_NOTHROW(check_transition(S::created, S::running));
}
