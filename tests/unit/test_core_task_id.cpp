#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/task_id.hpp"

using namespace factory::core;

TEST_CASE("valid task ids are git branch-name parts") {
  for (const char* id : {"bd-52.1", "batch-upload", "a", "x_y", "0day", "v1.2.3"}) {
    CAPTURE(id);
    CHECK_FALSE(task_id_problem(id).has_value());
  }
}

TEST_CASE("invalid task ids say why") {
  CHECK(task_id_problem("").has_value());
  CHECK(task_id_problem("a/b")->find("'/'") != std::string::npos);
  CHECK(task_id_problem("a..b")->find("'..'") != std::string::npos);
  CHECK(task_id_problem("Upper").has_value());
  CHECK(task_id_problem("-lead").has_value());
  CHECK(task_id_problem(".hidden").has_value());
  CHECK(task_id_problem("end.").has_value());
  CHECK(task_id_problem("x.lock").has_value());
  CHECK(task_id_problem("sp ace").has_value());
  CHECK(task_id_problem("all")->find("reserved") != std::string::npos);
  CHECK(task_id_problem("verify").has_value());
  CHECK(task_id_problem(std::string(65, 'a')).has_value());
  CHECK_FALSE(task_id_problem(std::string(64, 'a')).has_value());
}

TEST_CASE("validate_task_id throws a usage error with a hint") {
  try {
    validate_task_id("../etc");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK_FALSE(e.hint().empty());
  }
}

TEST_CASE("task branches round-trip") {
  CHECK(task_branch("bd-52.1") == "factory/bd-52.1");
  CHECK(task_of_branch("factory/bd-52.1") == "bd-52.1");
  CHECK(task_of_branch("refs/heads/factory/x") == "x");
  CHECK_FALSE(task_of_branch("main").has_value());
  CHECK_FALSE(task_of_branch("factory/Bad").has_value());
}
