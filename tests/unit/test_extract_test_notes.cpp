// TestNotes: what running tests printed, held until each test passes or fails.
#include <doctest/doctest.h>

#include <string>

#include "extract/test_notes.hpp"

using namespace factory::extract;

namespace {

Finding note(const std::string& test, int line, const std::string& tool = "go-test") {
  Finding f;
  f.tool = tool;
  f.severity = Severity::note;
  f.test = test;
  f.file = "x_test.go";
  f.line = line;
  return f;
}

Finding failure(const std::string& test) {
  Finding f;
  f.tool = "go-test";
  f.test = test;  // error, no line: "--- FAIL: TestX"
  return f;
}

}  // namespace

TEST_CASE("a failed test's last three notes come back as errors, the last one ahead") {
  TestNotes notes;
  for (int line = 1; line <= 5; ++line) notes.hold(note("TestA", line));
  auto released = notes.release(failure("TestA"));
  REQUIRE(released.size() == 3);
  CHECK(released[0].line == 3);
  CHECK(released[2].line == 5);
  for (const auto& f : released) CHECK(f.severity == Severity::error);
  CHECK(released[2].priority > released[0].priority);
  CHECK(notes.release(failure("TestA")).empty());  // released once
}

TEST_CASE("a passed test's notes, another tool's notes and notes past the bound are not released") {
  TestNotes notes;
  notes.hold(note("TestOk", 1));
  notes.forget("TestOk");
  CHECK(notes.release(failure("TestOk")).empty());

  notes.hold(note("TestB", 2, "other-tool"));
  CHECK(notes.release(failure("TestB")).empty());

  notes.hold(note("TestOld", 3));
  for (int i = 0; i < 1024; ++i) notes.hold(note("TestNew" + std::to_string(i), 4));
  CHECK(notes.release(failure("TestOld")).empty());  // noted longest ago: forgotten
  CHECK(notes.release(failure("TestNew1023")).size() == 1);
}

TEST_CASE("only notes naming a test are held") {
  CHECK(TestNotes::is_note(note("TestA", 1)));
  Finding untested = note("", 1);
  CHECK_FALSE(TestNotes::is_note(untested));
  Finding error = note("TestA", 1);
  error.severity = Severity::error;
  CHECK_FALSE(TestNotes::is_note(error));
}
