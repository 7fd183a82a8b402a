#include "extract/test_notes.hpp"

#include <algorithm>

namespace factory::extract {

namespace {

// A test's last notes (t.Fatal's line is its last), for the tests not yet reported passed: a
// parent's subtests only report after all of them ran.
constexpr size_t k_notes_per_test = 3;
constexpr size_t k_noted_tests = 1024;

}  // namespace

bool TestNotes::is_note(const Finding& finding) {
  return finding.severity == Severity::note && !finding.test.empty();
}

void TestNotes::hold(Finding note) {
  auto [it, added] = m_notes.try_emplace(note.test);
  if (added) {
    it->second.first = m_sequence++;
    if (m_notes.size() > k_noted_tests) {  // forget the test noted longest ago
      auto oldest = std::min_element(m_notes.begin(), m_notes.end(), [](auto& a, auto& b) {
        return a.second.first < b.second.first;
      });
      m_notes.erase(oldest);
    }
  }
  auto found = m_notes.find(note.test);
  if (found == m_notes.end()) return;
  auto& notes = found->second.second;
  if (notes.size() == k_notes_per_test) notes.erase(notes.begin());
  notes.push_back(std::move(note));
}

void TestNotes::forget(const std::string& test) {
  m_notes.erase(test);
}

std::vector<Finding> TestNotes::release(const Finding& failure) {
  std::vector<Finding> out;
  auto found = m_notes.find(failure.test);
  if (found == m_notes.end()) return out;
  auto notes = std::move(found->second.second);
  m_notes.erase(found);
  for (size_t i = 0; i < notes.size(); ++i) {
    if (notes[i].tool != failure.tool) continue;
    notes[i].severity = failure.severity;  // what the test printed is why it failed
    if (i + 1 == notes.size()) notes[i].priority += 1;
    out.push_back(std::move(notes[i]));
  }
  return out;
}

}  // namespace factory::extract
