#include <doctest/doctest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/deployment_file.hpp"
#include "core/error.hpp"
#include "unit/test_config_support.hpp"

namespace fs = std::filesystem;
using factory::core::Deployment;
using factory::core::Error;
using factory::core::ExitCode;
using factory::core::RolloutStrategy;
using namespace factory::config;
using namespace std::chrono_literals;

namespace {

using testing::Problem;

// The usage Error that parsing `text` raises.
Problem problem_of(const std::string& text) {
  return testing::usage_problem([&] { parse_deployment(text, "deployment.yaml"); }, text);
}

// The plan from issue 6, as a person would write it.
const char* const k_issue_example = R"(deployment:
  flag: batch-upload              # flag key, default: the task id
  strategy: gradual               # canary | gradual | manual
  steps:
    - name: canary
      percentage: 1
      duration: 5m
      auto_rollback_on:
        - metric: error_rate
          probe: "curl -fsS http://127.0.0.1:8080/metrics/error_rate"   # prints a number
          above: 0.10
        - log_match: "panic|FATAL"
          probe: "tail -n 500 /var/log/app.log"
    - name: early_adopters
      percentage: 10
      duration: 30m
      requires_decision: true
    - name: production
      percentage: 100
      requires_approval: true
)";

// A one-step plan whose step carries `rule` (a flow mapping) on line 6, its '{' at column 11.
std::string with_rule(const std::string& rule) {
  return "deployment:\n  steps:\n    - name: a\n      percentage: 1\n      auto_rollback_on:\n"
         "        - " +
         rule + "\n";
}

// `default_deployment_yaml` with the example rules uncommented.
std::string uncommented(std::string text) {
  for (size_t at = text.find("      # "); at != std::string::npos; at = text.find("      # ", at)) {
    size_t end = text.find('\n', at);
    std::string line = text.substr(at + 8, end - at - 8);
    bool yaml = line.starts_with("auto_rollback_on:") || line.starts_with("  ");
    if (yaml) text.replace(at, 8, "      ");
    at = text.find('\n', at);
  }
  return text;
}

}  // namespace

TEST_CASE("the example from the issue parses into every field") {
  Deployment d = parse_deployment(k_issue_example, "deployment.yaml");
  CHECK(d.flag == "batch-upload");
  CHECK(d.strategy == RolloutStrategy::gradual);
  CHECK(d.interval == 30s);
  REQUIRE(d.steps.size() == 3);
  CHECK(d.steps[0].name == "canary");
  CHECK(d.steps[0].percentage == 1);
  CHECK(d.steps[0].duration == 5min);
  CHECK_FALSE(d.steps[0].requires_decision);
  REQUIRE(d.steps[0].auto_rollback_on.size() == 2);
  const auto& rate = d.steps[0].auto_rollback_on[0];
  CHECK(rate.metric == "error_rate");
  CHECK(rate.probe == "curl -fsS http://127.0.0.1:8080/metrics/error_rate");
  CHECK(rate.above == doctest::Approx(0.10));
  CHECK_FALSE(rate.below);
  CHECK(rate.log_match.empty());
  CHECK(rate.failure_limit == 3);
  CHECK(rate.timeout == 10s);
  CHECK(rate.line == 9);
  const auto& panics = d.steps[0].auto_rollback_on[1];
  CHECK(panics.metric.empty());
  CHECK(panics.log_match == "panic|FATAL");
  CHECK(panics.probe == "tail -n 500 /var/log/app.log");
  CHECK_FALSE(panics.above);
  CHECK(panics.line == 12);
  CHECK(d.steps[1].name == "early_adopters");
  CHECK(d.steps[1].percentage == 10);
  CHECK(d.steps[1].duration == 30min);
  CHECK(d.steps[1].requires_decision);
  CHECK_FALSE(d.steps[1].requires_approval);
  CHECK(d.steps[2].name == "production");
  CHECK(d.steps[2].percentage == 100);
  CHECK(d.steps[2].duration == 0ms);
  CHECK(d.steps[2].requires_approval);
  CHECK(d.steps[2].auto_rollback_on.empty());
}

TEST_CASE("the default plan parses: the task's flag, 1% -> 10% -> 100%, no live rules") {
  std::string text = default_deployment_yaml("batch-upload");
  Deployment d = parse_deployment(text, "deployment.yaml");
  CHECK(d.flag == "batch-upload");
  CHECK(d.strategy == RolloutStrategy::gradual);
  CHECK(d.interval == 30s);
  REQUIRE(d.steps.size() == 3);
  CHECK(d.steps[0].name == "canary");
  CHECK(d.steps[0].percentage == 1);
  CHECK(d.steps[0].duration == 5min);
  CHECK(d.steps[0].auto_rollback_on.empty());
  CHECK(d.steps[1].name == "early_adopters");
  CHECK(d.steps[1].percentage == 10);
  CHECK(d.steps[1].duration == 30min);
  CHECK(d.steps[1].requires_decision);
  CHECK(d.steps[2].name == "production");
  CHECK(d.steps[2].percentage == 100);
  CHECK(d.steps[2].requires_approval);
  // Task ids that YAML would read as other types stay strings.
  for (std::string id : {"null", "true", "1.0", "0x10"}) {
    CHECK(parse_deployment(default_deployment_yaml(id), "d").flag == id);
  }
}

TEST_CASE("uncommenting the default's example rules gives working rules") {
  std::string text = uncommented(default_deployment_yaml("t"));
  CAPTURE(text);
  Deployment d = parse_deployment(text, "deployment.yaml");
  REQUIRE(d.steps.size() == 3);
  REQUIRE(d.steps[0].auto_rollback_on.size() == 2);
  CHECK(d.steps[0].auto_rollback_on[0].metric == "error_rate");
  CHECK(d.steps[0].auto_rollback_on[0].above == doctest::Approx(0.10));
  CHECK(d.steps[0].auto_rollback_on[0].failure_limit == 3);
  CHECK(d.steps[0].auto_rollback_on[0].timeout == 10s);
  CHECK(d.steps[0].auto_rollback_on[1].log_match == "panic|FATAL");
}

TEST_CASE("defaults, optional keys and the other strategies") {
  Deployment d = parse_deployment("deployment:\n  steps: [{name: all, percentage: 100}]\n", "d");
  CHECK(d.flag.empty());  // the task id
  CHECK(d.strategy == RolloutStrategy::gradual);
  CHECK(d.interval == 30s);
  CHECK(d.steps[0].duration == 0ms);

  d = parse_deployment(
      "deployment:\n  flag: Checkout_v2.beta-1\n  strategy: canary\n  interval: 2s\n"
      "  steps:\n    - {name: a, percentage: 0, duration: 0}\n    - {name: b, percentage: 50}\n",
      "d");
  CHECK(d.flag == "Checkout_v2.beta-1");
  CHECK(d.strategy == RolloutStrategy::canary);
  CHECK(d.interval == 2s);
  CHECK(d.steps[0].percentage == 0);
  CHECK(d.steps[0].duration == 0ms);

  d = parse_deployment(with_rule("{metric: latency_ms, probe: \"http://LOCALHOST:9/p?x=1\", "
                                 "above: +250, below: 1e-3, failure_limit: 1, timeout: 2s}"),
                       "d");
  const auto& rule = d.steps[0].auto_rollback_on[0];
  CHECK(rule.probe == "http://LOCALHOST:9/p?x=1");
  CHECK(rule.above == doctest::Approx(250));
  CHECK(rule.below == doctest::Approx(0.001));
  CHECK(rule.failure_limit == 1);
  CHECK(rule.timeout == 2s);
  for (std::string url : {"http://127.0.0.1", "http://localhost:8080/metrics",
                          "http://[::1]:65535/m", "http://127.0.0.1#frag"}) {
    CAPTURE(url);
    CHECK(parse_deployment(with_rule("{metric: m, probe: \"" + url + "\", above: 1}"), "d")
              .steps[0]
              .auto_rollback_on[0]
              .probe == url);
  }
}

TEST_CASE("manual needs the file but not steps; canary and gradual need at least one") {
  CHECK(parse_deployment("deployment:\n  strategy: manual\n", "d").steps.empty());
  CHECK(parse_deployment("deployment:\n  strategy: manual\n  steps: []\n", "d").steps.empty());
  Deployment d = parse_deployment(
      "deployment:\n  strategy: manual\n  steps: [{name: half, percentage: 50}]\n", "d");
  CHECK(d.strategy == RolloutStrategy::manual);
  CHECK(d.steps.size() == 1);
  CHECK(
      problem_of("deployment:\n  strategy: canary\n  steps: []\n").hint.find("strategy: manual") !=
      std::string::npos);
}

TEST_CASE("every validation error names file:line:col and the key path") {
  struct Case {
    std::string text;
    std::string located;  // "deployment.yaml:L:C: ..." prefix
    std::string key;      // "(key ...)"
    std::string what;     // part of the message
  };
  const std::string steps = "deployment:\n  steps:\n";
  std::vector<Case> cases = {
      {steps + "    - {name: a, percentage: 10}\n    - {name: b, percentage: 5}\n", "4:29",
       "deployment.steps[1].percentage", "the percentage goes down from 10 to 5"},
      {steps + "    - {name: a, percentage: 10}\n    - {name: b, percentage: 10}\n", "4:29",
       "deployment.steps[1].percentage", "the percentage stays at 10"},
      {steps + "    - {name: a, percentage: 150}\n", "3:29", "deployment.steps[0].percentage",
       "expected a whole number from 0 to 100, got '150'"},
      {steps + "    - {name: a, percentage: -5}\n", "3:29", "deployment.steps[0].percentage",
       "must not be negative, got -5"},
      {steps + "    - {name: a, percentage: 2.5}\n", "3:29", "deployment.steps[0].percentage",
       "expected a whole number"},
      {steps + "    - {name: a}\n", "3:7", "deployment.steps[0].percentage",
       "missing key 'percentage'"},
      {steps + "    - {percentage: 1}\n", "3:7", "deployment.steps[0].name", "missing key 'name'"},
      {steps + "    - {name: \"\", percentage: 1}\n", "3:14", "deployment.steps[0].name",
       "the step's name is empty"},
      {steps + "    - {name: a, percentage: 1}\n    - {name: a, percentage: 2}\n", "4:14",
       "deployment.steps[1].name", "duplicate step name 'a' (first used on line 3)"},
      {steps + "    - {name: a, percentage: 1, durtion: 5m}\n", "3:32",
       "deployment.steps[0].durtion", "unknown key 'durtion'"},
      {steps + "    - {name: a, percentage: 1, duration: 5 minutes}\n", "3:42",
       "deployment.steps[0].duration", "expected a positive duration, got '5 minutes'"},
      {steps + "    - {name: a, percentage: 1, requires_decision: maybe}\n", "3:51",
       "deployment.steps[0].requires_decision", "expected true or false"},
      {steps + "    - {name: a, percentage: 1, auto_rollback_on: {probe: x}}\n", "3:50",
       "deployment.steps[0].auto_rollback_on", "expected a list of rollback rules"},
      {"deployment:\n  steps: []\n", "2:10", "deployment.steps", "the plan has no steps"},
      {"deployment:\n  strategy: canary\n  steps:\n", "3:3", "deployment.steps",
       "the plan has no steps"},
      {"deployment:\n  flag: x\n", "2:3", "deployment.steps", "missing key 'steps'"},
      {"deployment:\n  steps: {name: a}\n", "2:10", "deployment.steps", "expected a list of steps"},
      {"deployment:\n  strategy: rapid\n  steps: [{name: a, percentage: 1}]\n", "2:13",
       "deployment.strategy", "unknown strategy 'rapid'"},
      {"deployment:\n  interval: soon\n  steps: [{name: a, percentage: 1}]\n", "2:13",
       "deployment.interval", "expected a positive duration, got 'soon'"},
      {"deployment:\n  interval: 0s\n  steps: [{name: a, percentage: 1}]\n", "2:13",
       "deployment.interval", "expected a positive duration"},
      {"deployment:\n  flag: \"bad key\"\n  steps: [{name: a, percentage: 1}]\n", "2:9",
       "deployment.flag", "bad flag key 'bad key'"},
      {"deployment:\n  flag: -dash\n  steps: [{name: a, percentage: 1}]\n", "2:9",
       "deployment.flag", "bad flag key '-dash'"},
      {"deployment:\n  stratgy: canary\n", "2:3", "deployment.stratgy", "unknown key 'stratgy'"},
      {"deploy:\n  steps: []\n", "1:1", "deploy", "unknown key 'deploy'"},
      {"deployment: [a]\n", "1:13", "deployment", "expected a mapping"},
      {with_rule("{metric: e, above: 1}"), "6:11", "deployment.steps[0].auto_rollback_on[0].probe",
       "missing key 'probe'"},
      {with_rule("{probe: \" \", log_match: x}"), "6:19",
       "deployment.steps[0].auto_rollback_on[0].probe", "the probe is empty"},
      {with_rule("{probe: x, log_match: \"(oops\"}"), "6:33",
       "deployment.steps[0].auto_rollback_on[0].log_match", "bad regular expression '(oops'"},
      {with_rule("{probe: x, log_match: \"\"}"), "6:33",
       "deployment.steps[0].auto_rollback_on[0].log_match", "the pattern is empty"},
      {with_rule("{probe: x}"), "6:11", "deployment.steps[0].auto_rollback_on[0]",
       "the rule has nothing to fire on"},
      {with_rule("{probe: x, above: 1}"), "6:11", "deployment.steps[0].auto_rollback_on[0].metric",
       "missing key 'metric'"},
      {with_rule("{metric: \"\", probe: x, below: 1}"), "6:20",
       "deployment.steps[0].auto_rollback_on[0].metric", "the metric's name is empty"},
      {with_rule("{metric: e, probe: x, above: lots}"), "6:40",
       "deployment.steps[0].auto_rollback_on[0].above", "expected a number, got 'lots'"},
      {with_rule("{metric: e, probe: x, above: .nan}"), "6:40",
       "deployment.steps[0].auto_rollback_on[0].above", "expected a number"},
      {with_rule("{metric: e, probe: x, above: 0.1, below: 0.5}"), "6:52",
       "deployment.steps[0].auto_rollback_on[0].below", "below (0.5) is higher than above (0.1)"},
      {with_rule("{metric: e, probe: x, above: 1, failure_limit: 0}"), "6:58",
       "deployment.steps[0].auto_rollback_on[0].failure_limit", "1 or more"},
      {with_rule("{metric: e, probe: x, above: 1, timeout: never}"), "6:52",
       "deployment.steps[0].auto_rollback_on[0].timeout", "expected a positive duration"},
      {with_rule("{metric: e, probe: x, above: 1, treshold: 2}"), "6:43",
       "deployment.steps[0].auto_rollback_on[0].treshold", "unknown key 'treshold'"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    Problem p = problem_of(c.text);
    CAPTURE(p.message);
    CHECK(p.message.starts_with("deployment.yaml:" + c.located + ": "));
    CHECK(p.message.find("(key " + c.key + ")") != std::string::npos);
    CHECK(p.message.find(c.what) != std::string::npos);
  }
}

TEST_CASE("an HTTP probe must be plain http:// to this machine") {
  struct Case {
    std::string url;
    std::string what;
    bool elsewhere;  // the URL would leave this machine
  };
  std::vector<Case> cases = {
      {"http://example.com/metrics", "goes to 'example.com'", true},
      {"http://10.0.0.1:8080/m", "goes to '10.0.0.1:8080'", true},
      {"http://127.0.0.1.evil.example/m", "goes to '127.0.0.1.evil.example'", true},
      {"http://localhost.evil.example/m", "goes to", true},
      {"http://127.0.0.1@evil.example/m", "names a user", true},
      {"http://[::2]/m", "goes to '[::2]'", true},
      {"HTTP://example.com", "goes to", true},
      {"https://127.0.0.1:8443/m", "uses https", true},
      {"Http://localhost:8080/m", "scheme in lower case: http://localhost:8080/m", false},
      {"http://localhost:99999/m", "bad port", false},
      {"http://localhost:http/m", "bad port", false},
      {"http://127.0.0.1:8080/m x", "contains a space", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.url);
    Problem p = problem_of(with_rule("{metric: m, probe: \"" + c.url + "\", above: 1}"));
    CAPTURE(p.message);
    CHECK(p.message.starts_with("deployment.yaml:6:30: "));
    CHECK(p.message.find("(key deployment.steps[0].auto_rollback_on[0].probe)") !=
          std::string::npos);
    CHECK(p.message.find(c.what) != std::string::npos);
    CHECK((p.message.find("factory only probes this machine") != std::string::npos) == c.elsewhere);
    CHECK(p.hint.find("127.0.0.1") != std::string::npos);
  }
  // A command is run as written, even one that fetches a URL.
  CHECK(parse_deployment(with_rule("{metric: m, probe: \"curl -fsS http://127.0.0.1:1/m\", "
                                   "above: 1}"),
                         "d")
            .steps[0]
            .auto_rollback_on[0]
            .probe == "curl -fsS http://127.0.0.1:1/m");
}

TEST_CASE("hints point at the fix") {
  const std::string one = "  steps: [{name: a, percentage: 1}]\n";
  CHECK(problem_of("deployment:\n  strategy: rapid\n" + one).hint.find("canary") !=
        std::string::npos);
  CHECK(problem_of("deployment:\n  strategy: rapid\n" + one).hint.find("manual") !=
        std::string::npos);
  CHECK(problem_of("deployment:\n  stratgy: canary\n" + one)
            .hint.starts_with("did you mean 'strategy'?"));
  CHECK(problem_of("deployment:\n  steps: [{name: a, percentage: 1, duraton: 1m}]\n")
            .hint.find("valid keys here: name, percentage, duration") != std::string::npos);
  CHECK(problem_of("deployment:\n  steps:\n    - {name: a, percentage: 10}\n    - {name: b, "
                   "percentage: 5}\n")
            .hint.find("smallest percentage to the largest") != std::string::npos);
  CHECK(problem_of(with_rule("{probe: x, log_match: \"(\"}")).hint.find("PCRE2") !=
        std::string::npos);
  CHECK(problem_of(with_rule("{metric: e, above: 1}")).hint.find("probe: \"curl") !=
        std::string::npos);
  CHECK(problem_of(with_rule("{probe: x, above: 1}")).hint.find("metric: error_rate") !=
        std::string::npos);
  Problem flat = problem_of("flag: x\nsteps: [{name: a, percentage: 1}]\n");
  CHECK(flat.message.starts_with("deployment.yaml:1:1: 'flag' is not under `deployment:`"));
  CHECK(flat.hint.find("indent") != std::string::npos);
}

TEST_CASE("YAML syntax errors, empty files and extra documents") {
  Problem syntax = problem_of("deployment:\n  steps: [{name: a\n");
  CHECK(syntax.message.starts_with("deployment.yaml:"));
  CHECK(syntax.hint.find("YAML syntax") != std::string::npos);
  CHECK(problem_of("").message.find("the deployment plan is empty") != std::string::npos);
  CHECK(problem_of("# nothing\n").message.find("empty") != std::string::npos);
  Problem two = problem_of("deployment:\n  strategy: manual\n---\ndeployment: {}\n");
  CHECK(two.message.find("more than one") != std::string::npos);
  CHECK(two.hint.find("a deployment plan is one document") != std::string::npos);
  CHECK(problem_of("- a\n").message.find("expected a mapping") != std::string::npos);
}

TEST_CASE("deployment_path and load_deployment read the file from disk") {
  char tmpl[] = "/tmp/factory-deployment-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  fs::path root(tmpl);
  fs::path file = deployment_path(root, "hello");
  CHECK(file == root / ".factory" / "hello" / "deployment.yaml");
  try {
    load_deployment(file);
    FAIL("a missing plan must be an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK(std::string(e.what()).find(file.string()) != std::string::npos);
    CHECK(e.hint().find("factory new") != std::string::npos);
  }
  fs::create_directories(file.parent_path());
  std::ofstream(file) << default_deployment_yaml("hello");
  CHECK(load_deployment(file).flag == "hello");
  std::ofstream(file) << "deployment:\n  strategy: slow\n";
  try {
    load_deployment(file);
    FAIL("an invalid plan must be an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).starts_with(file.string() + ":2:13: unknown strategy 'slow'"));
  }
  fs::remove_all(root);
}
