#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "extract/finding.hpp"

namespace factory::extract {

// What running tests printed, held until each test's outcome is known (go test -v and -json
// print a test's t.Error/t.Log lines before its "--- FAIL:" line). Bounded: a test's last few
// notes, for a bounded number of tests.
class TestNotes {
 public:
  // Whether `finding` is such a note: severity note, naming a test.
  static bool is_note(const Finding& finding);
  // Keeps a note of its test (dropping that test's oldest note, or the test noted longest ago,
  // past the bounds).
  void hold(Finding note);
  // The test passed: its notes are no findings.
  void forget(const std::string& test);
  // The notes of the test `failure` names, of the same tool, as errors located at their lines;
  // the last (a t.Fatal's) ranks first. The test's notes are then gone.
  std::vector<Finding> release(const Finding& failure);

 private:
  std::map<std::string, std::pair<uint64_t, std::vector<Finding>>> m_notes;  // order, notes
  uint64_t m_sequence = 0;
};

}  // namespace factory::extract
