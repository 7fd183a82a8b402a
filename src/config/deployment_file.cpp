#include "config/deployment_file.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <optional>

#include "config/contract_reader.hpp"
#include "config/text_file.hpp"
#include "core/duration.hpp"
#include "core/error.hpp"

namespace factory::config {

namespace {

using core::DeploymentStep;
using core::RollbackRule;

constexpr std::string_view k_local_hint =
    "an HTTP probe is a plain http:// URL on 127.0.0.1, localhost or [::1] (any port and path), "
    "e.g. http://127.0.0.1:8080/metrics/error_rate; anything else runs as a command";

constexpr std::string_view k_steps_hint =
    "list the steps from the smallest percentage to the largest, e.g. 1, 10, 100";

bool is_ascii_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// flagd's flag keys: [A-Za-z0-9][A-Za-z0-9._-]*.
bool is_flag_key(std::string_view key) {
  return !key.empty() && is_ascii_alnum(key.front()) &&
         std::all_of(key.begin(), key.end(),
                     [](char c) { return is_ascii_alnum(c) || c == '.' || c == '_' || c == '-'; });
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
         });
}

// "", or ":<port>" with a port from 1 to 65535.
bool is_port_suffix(std::string_view text) {
  if (text.empty()) return true;
  if (text.front() != ':' || text.size() < 2 || text.size() > 6) return false;
  int port = 0;
  for (char c : text.substr(1)) {
    if (c < '0' || c > '9') return false;
    port = port * 10 + (c - '0');
  }
  return port >= 1 && port <= 65535;
}

// Why a probe that is a URL may not be fetched; nullopt for a local http:// URL or a command.
// The host is checked by name: only the loopback names, so no DNS answer can send it elsewhere.
std::optional<std::string> url_problem(std::string_view probe) {
  const std::string_view local = "factory only probes this machine";
  if (starts_with_nocase(probe, "https://")) {
    return fmt::format("the probe uses https: {}, over plain http://", local);
  }
  if (!starts_with_nocase(probe, "http://")) return std::nullopt;
  if (probe.find_first_of(" \t\r\n") != std::string_view::npos) {
    return "the probe URL contains a space (a URL probe is fetched as written; a command can "
           "run curl)";
  }
  std::string_view rest = probe.substr(7);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return fmt::format("the probe URL names a user ('{}'): {}", authority, local);
  }
  size_t host_end = authority.starts_with('[') ? authority.find(']') : authority.find(':');
  if (authority.starts_with('[') && host_end != std::string_view::npos) ++host_end;
  std::string host(authority.substr(0, host_end));
  std::transform(host.begin(), host.end(), host.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (host != "127.0.0.1" && host != "localhost" && host != "[::1]") {
    return fmt::format("the probe URL goes to '{}': {}", authority, local);
  }
  if (host_end != std::string_view::npos && !is_port_suffix(authority.substr(host_end))) {
    return fmt::format("the probe URL has a bad port in '{}'", authority);
  }
  if (!probe.starts_with("http://")) {  // the prober tells a URL by this exact prefix
    return fmt::format("write the probe URL's scheme in lower case: http://{}", rest);
  }
  return std::nullopt;
}

// "missing key '<name>'" at `item`, with a hint that says what the key is for (ContractReader's
// `required` only says "add it").
[[noreturn]] void fail_missing(const ContractReader& in, const Field& item, std::string_view name,
                               std::string_view hint) {
  Field at = item;
  at.path = fmt::format("{}.{}", item.path, name);
  in.fail(at, fmt::format("missing key '{}'", name), std::string(hint));
}

// A step's duration: like any duration, but 0 is allowed (probed once).
std::chrono::milliseconds step_duration(const ContractReader& in, const Field& field) {
  if (field.value.IsScalar()) {
    auto parsed = core::parse_duration(field.value.Scalar());
    if (parsed && parsed->count() == 0) return *parsed;
  }
  return in.duration(field);
}

// What fires the rule: thresholds (which need a metric name) and/or a log pattern.
void read_triggers(const ContractReader& in, const Fields& f, const Field& item,
                   RollbackRule& rule) {
  const Field* above = find(f, "above");
  const Field* below = find(f, "below");
  if (above) rule.above = in.number(*above);
  if (below) rule.below = in.number(*below);
  if (const Field* n = find(f, "log_match")) {
    rule.log_match = in.regex(*n);
    if (rule.log_match.empty()) {
      in.fail(*n, "the pattern is empty, so it would match every probe",
              "give a PCRE2 pattern for the lines that mean trouble, e.g. \"panic|FATAL\"");
    }
  }
  if (!above && !below && rule.log_match.empty()) {
    in.fail(item, "the rule has nothing to fire on",
            "give `above:` or `below:` (with a `metric:`) for a probe that prints a number, or "
            "`log_match:` for one that prints log lines");
  }
  if ((above || below) && rule.metric.empty()) {
    const char* hint =
        "name the number the probe prints, e.g. `metric: error_rate`; messages "
        "and decisions show it";
    if (const Field* metric = find(f, "metric"))
      in.fail(*metric, "the metric's name is empty", hint);
    fail_missing(in, item, "metric", hint);
  }
  if (rule.above && rule.below && *rule.below > *rule.above) {
    in.fail(*below,
            fmt::format("below ({}) is higher than above ({}), so every value would fire",
                        *rule.below, *rule.above),
            "the rule fires above `above` or below `below`: keep below <= above");
  }
}

RollbackRule read_rule(const ContractReader& in, const Field& item) {
  Fields f = in.fields(
      item, {"metric", "probe", "above", "below", "log_match", "failure_limit", "timeout"});
  RollbackRule rule;
  rule.line = item.value.Mark().line + 1;
  if (!find(f, "probe")) {
    fail_missing(in, item, "probe",
                 "add the command (or http://127.0.0.1 URL) whose output the rule checks, e.g. "
                 "`probe: \"curl -fsS http://127.0.0.1:8080/metrics/error_rate\"`");
  }
  const Field& probe = *find(f, "probe");
  rule.probe = in.string(probe);
  if (rule.probe.find_first_not_of(" \t") == std::string::npos) {
    in.fail(probe, "the probe is empty",
            "give a command that prints a number or log lines, or an http://127.0.0.1 URL");
  }
  if (auto problem = url_problem(rule.probe)) in.fail(probe, *problem, std::string(k_local_hint));
  if (const Field* n = find(f, "metric")) rule.metric = in.text(*n);
  read_triggers(in, f, item, rule);
  if (const Field* n = find(f, "failure_limit")) rule.failure_limit = in.integer(*n, 1, INT32_MAX);
  if (const Field* n = find(f, "timeout")) rule.timeout = in.duration(*n);
  return rule;
}

// One step; `before` are the steps above it, which its name and percentage are checked against.
DeploymentStep read_step(const ContractReader& in, const Field& item,
                         const std::vector<DeploymentStep>& before,
                         std::map<std::string, int>& names) {
  Fields f = in.fields(item, {"name", "percentage", "duration", "auto_rollback_on",
                              "requires_decision", "requires_approval"});
  DeploymentStep step;
  const Field& name = in.required(f, item, "name");
  step.name = in.string(name);
  if (step.name.find_first_not_of(" \t") == std::string::npos) {
    in.fail(name, "the step's name is empty", "name it for who gets it, e.g. canary");
  }
  if (auto [it, fresh] = names.emplace(step.name, name.key.Mark().line + 1); !fresh) {
    in.fail(name,
            fmt::format("duplicate step name '{}' (first used on line {})", step.name, it->second),
            "decisions and `factory rollout status` name the step, so names must be unique");
  }
  const Field& percentage = in.required(f, item, "percentage");
  step.percentage = in.integer(percentage, 0, 100);
  if (!before.empty() && step.percentage <= before.back().percentage) {
    int last = before.back().percentage;
    in.fail(percentage,
            step.percentage < last
                ? fmt::format("the percentage goes down from {} to {}", last, step.percentage)
                : fmt::format("the percentage stays at {}; each step must raise it", last),
            std::string(k_steps_hint));
  }
  if (const Field* n = find(f, "duration")) step.duration = step_duration(in, *n);
  if (const Field* n = find(f, "auto_rollback_on")) {
    for (const Field& rule : in.items(*n, "a list of rollback rules")) {
      step.auto_rollback_on.push_back(read_rule(in, rule));
    }
  }
  if (const Field* n = find(f, "requires_decision")) step.requires_decision = in.boolean(*n);
  if (const Field* n = find(f, "requires_approval")) step.requires_approval = in.boolean(*n);
  return step;
}

// canary and gradual walk the steps, so they need one; manual may list none.
std::vector<DeploymentStep> read_steps(const ContractReader& in, const Fields& f, const Field& plan,
                                       core::RolloutStrategy strategy) {
  bool manual = strategy == core::RolloutStrategy::manual;
  const Field* steps = find(f, "steps");
  if (!steps && manual) return {};
  const Field& list = steps ? *steps : in.required(f, plan, "steps");
  std::vector<DeploymentStep> out;
  std::map<std::string, int> names;  // name -> line
  for (const Field& item : in.items(list, "a list of steps")) {
    out.push_back(read_step(in, item, out, names));
  }
  if (out.empty() && !manual) {
    Field at = list;
    if (at.value.IsNull()) at.value = at.key;  // `steps:` with nothing: point at the key
    in.fail(at, "the plan has no steps",
            "list at least one step with a name and a percentage, or use `strategy: manual` to "
            "set each percentage by hand");
  }
  return out;
}

// The file's `deployment:` entry. Plan keys written at the top level, without it, get a hint.
Field plan_of(const ContractReader& in, const YAML::Node& root) {
  Field top{root, root, "", "", 0};
  if (!root || root.IsNull()) {
    in.fail(top, "the deployment plan is empty",
            "it needs `deployment:` with `steps:`; see contracts/README.md for every field");
  }
  Fields all = in.fields(top, {});
  for (const auto& [name, field] : all) {
    bool plan_key = name == "flag" || name == "strategy" || name == "interval" || name == "steps";
    if (plan_key && !find(all, "deployment")) {
      in.fail(Field{field.key, field.key, field.path, name, field.order},
              fmt::format("'{}' is not under `deployment:`", name),
              "start the file with `deployment:` and indent the plan's keys under it");
    }
  }
  return in.required(in.fields(top, {"deployment"}), top, "deployment");  // copied out
}

std::string read_flag(const ContractReader& in, const Field& field) {
  std::string flag = in.text(field);
  if (!flag.empty() && !is_flag_key(flag)) {
    in.fail(field, fmt::format("bad flag key '{}'", flag),
            "flag keys are letters, digits, '.', '_' and '-', starting with a letter or digit; "
            "leave `flag:` out to use the task id");
  }
  return flag;
}

core::RolloutStrategy read_strategy(const ContractReader& in, const Field& field) {
  std::string name = in.string(field);
  auto strategy = core::parse_strategy(name);
  if (!strategy) {
    in.fail(field, fmt::format("unknown strategy '{}'", name),
            "strategies are: canary (the first step, a decision, then 100%), gradual (the "
            "steps in order), manual (you set each percentage with `factory rollout set`)");
  }
  return *strategy;
}

core::Deployment read_deployment(const ContractReader& in, const YAML::Node& root) {
  Field plan = plan_of(in, root);
  Fields f = in.fields(plan, {"flag", "strategy", "interval", "steps"});
  core::Deployment out;
  if (const Field* n = find(f, "flag")) out.flag = read_flag(in, *n);
  if (const Field* n = find(f, "strategy")) out.strategy = read_strategy(in, *n);
  if (const Field* n = find(f, "interval")) out.interval = in.duration(*n);
  out.steps = read_steps(in, f, plan, out.strategy);
  return out;
}

}  // namespace

std::filesystem::path deployment_path(const std::filesystem::path& main_root,
                                      const std::string& task) {
  return main_root / ".factory" / task / "deployment.yaml";
}

core::Deployment parse_deployment(std::string_view text, const std::string& source) {
  YAML::Node root = load_document(text, source, "a deployment plan");
  return read_deployment(ContractReader(source), root);
}

core::Deployment load_deployment(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    throw core::Error(core::ExitCode::usage, fmt::format("no deployment plan at {}", file.string()),
                      "`factory new` writes a default one for each new task; for an older task, "
                      "copy the default from contracts/README.md to that path and edit it");
  }
  return parse_deployment(read_text_file(file), file.string());
}

}  // namespace factory::config
