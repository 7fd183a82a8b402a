#include <doctest/doctest.h>

#include <string>

#include "config/contract_file.hpp"
#include "core/error.hpp"
#include "test_error_support.hpp"

using factory::core::Contract;
using factory::core::Error;
using factory::core::ExitCode;
using factory::core::TestRequirement;
using namespace factory::config;

namespace {

// The usage Error message that parsing `text` raises.
std::string error_of(const std::string& text) {
  return factory::testing::usage_error_of([&] { parse_contract(text, "contract.yaml"); });
}

}  // namespace

TEST_CASE("requirements: each entry's incident, test, paths and reason are read") {
  Contract c = parse_contract(R"(task: b
requirements:
  - incident: 3
    test: "tests/test_pay.py::test_refund_twice"
    paths: ["src/pay/**", "!src/pay/vendor/**"]
    reason: double refund
  - test: TestLimiterBurst
)",
                              "contract.yaml");
  REQUIRE(c.requirements.size() == 2);
  CHECK(c.requirements[0] == TestRequirement{3,
                                             "tests/test_pay.py::test_refund_twice",
                                             {"src/pay/**", "!src/pay/vendor/**"},
                                             "double refund"});
  // Written by hand: no incident, every task, no reason.
  CHECK(c.requirements[1] == TestRequirement{0, "TestLimiterBurst", {}, ""});
  CHECK(parse_contract("task: b\nrequirements:\n", "c").requirements.empty());
  CHECK(parse_contract("task: b\nrequirements: []\n", "c").requirements.empty());
}

TEST_CASE("requirements: errors name file:line:col and the key path") {
  struct Case {
    std::string text;
    std::string located;
    std::string key;
    std::string what;
  };
  std::vector<Case> cases = {
      {"task: t\nrequirements: {test: x}\n", "2:15", "requirements", "expected a list"},
      {"task: t\nrequirements:\n  - incident: 1\n", "3:5", "requirements[0].test",
       "missing key 'test'"},
      {"task: t\nrequirements:\n  - test: \" \"\n", "3:11", "requirements[0].test",
       "the test id is empty"},
      {"task: t\nrequirements:\n  - test: \"--co\"\n", "3:11", "requirements[0].test",
       "starts with '-'"},
      {"task: t\nrequirements:\n  - {test: a, incident: -1}\n", "3:25", "requirements[0].incident",
       "must not be negative"},
      {"task: t\nrequirements:\n  - {test: a, paths: [\"../x\"]}\n", "3:23",
       "requirements[0].paths[0]", "bad glob '../x'"},
      {"task: t\nrequirements:\n  - {test: a, path: [x]}\n", "3:15", "requirements[0].path",
       "unknown key 'path'"},
      {"task: t\nrequirements:\n  - {test: a, incident: 2}\n  - {test: b, incident: 2}\n", "4:25",
       "requirements[1].incident", "incident 2 is listed twice (first on line 3)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    std::string message = error_of(c.text);
    CHECK(message.starts_with("contract.yaml:" + c.located + ": "));
    CHECK(message.find("(key " + c.key + ")") != std::string::npos);
    CHECK(message.find(c.what) != std::string::npos);
  }
  // Hand-written requirements (incident 0) may repeat: each names its own test.
  CHECK(parse_contract("task: t\nrequirements: [{test: a}, {test: b, incident: 0}]\n", "c")
            .requirements.size() == 2);
}

TEST_CASE("requirements: render then parse gives back the same list") {
  Contract c;
  c.task = "b";
  std::string empty = render_contract(c);
  CHECK(empty.find("\n# requirements:\n") != std::string::npos);
  CHECK(parse_contract(empty, "rendered") == c);

  c.requirements = {{3, "tests/test_pay.py::test_refund_twice", {"src/pay/**"}, "double refund"},
                    {0, "it's \"quoted\": - yes", {}, "line\nbreak"},
                    {7, "TestX", {"!neg/**", "a b/*"}, ""}};
  std::string text = render_contract(c);
  CAPTURE(text);
  CHECK(text.find("\nrequirements:\n  - incident: 3\n    test: "
                  "\"tests/test_pay.py::test_refund_twice\"\n") != std::string::npos);
  CHECK(parse_contract(text, "rendered") == c);
}
