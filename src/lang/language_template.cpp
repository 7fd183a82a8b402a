#include "lang/language_template.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <regex>
#include <set>

#include "core/duration.hpp"
#include "core/error.hpp"
#include "lang/embedded.hpp"

namespace factory::lang {

namespace {

constexpr std::string_view k_duration_hint =
    "durations look like \"90s\", \"5m\", \"1h\" or 300, at most \"24h\"";

// Reads one template; every error names the file, the 1-based line:column and the key path.
class TemplateReader {
 public:
  explicit TemplateReader(std::string_view source) : m_source(source) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& what,
                         std::string hint = {}) const {
    YAML::Mark mark = node.Mark();
    std::string where = mark.is_null()
                            ? m_source
                            : fmt::format("{}:{}:{}", m_source, mark.line + 1, mark.column + 1);
    std::string message = key.empty() ? fmt::format("{}: {}", where, what)
                                      : fmt::format("{}: {} (key {})", where, what, key);
    if (hint.empty()) hint = "the templates/*.yaml files that ship with factory show the format";
    throw core::Error(core::ExitCode::usage, message, std::move(hint));
  }

  void require_map(const YAML::Node& node, const std::string& key,
                   const std::set<std::string>& allowed) const {
    if (!node.IsMap()) fail(node, key, "expected a mapping");
    for (const auto& entry : node) {
      std::string name = entry.first.Scalar();
      if (!allowed.contains(name)) {
        fail(entry.first, join(key, name), fmt::format("unknown key '{}'", name),
             fmt::format("valid keys here: {}", fmt::join(allowed, ", ")));
      }
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, key, "expected a string");
    return node.Scalar();
  }

  std::vector<std::string> strings(const YAML::Node& node, const std::string& key) const {
    if (!node || node.IsNull()) return {};
    if (!node.IsSequence()) fail(node, key, "expected a list of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < node.size(); ++i) {
      out.push_back(scalar(node[i], fmt::format("{}[{}]", key, i)));
    }
    return out;
  }

  int integer(const YAML::Node& node, const std::string& key, int min, int max) const {
    std::string text = scalar(node, key);
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
      fail(node, key, fmt::format("expected an integer from {} to {}, got '{}'", min, max, text));
    }
    return value;
  }

  std::string regex(const YAML::Node& node, const std::string& key) const {
    std::string pattern = scalar(node, key);
    try {
      std::regex check(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      fail(node, key, fmt::format("invalid regular expression: {}", e.what()),
           "patterns are ECMAScript regular expressions");
    }
    return pattern;
  }

  StageSpec stage(const YAML::Node& node, core::Stage which, const std::string& key) const {
    StageSpec spec;
    spec.stage = which;
    if (node.IsNull()) return spec;
    require_map(
        node, key,
        {"command", "builtin", "tool", "probe", "install_hint", "timeout", "retries", "red_exit",
         "red_output", "coverage_pattern", "coverage_report", "coverage_format", "run_test"});
    if (auto n = node["command"]) spec.command = n.IsNull() ? "" : scalar(n, key + ".command");
    if (auto n = node["builtin"]) {
      spec.builtin = scalar(n, key + ".builtin");
      if (spec.builtin != "review") {
        fail(n, key + ".builtin", fmt::format("unknown builtin '{}'", spec.builtin),
             "the only builtin is 'review'");
      }
    }
    if (auto n = node["tool"]) spec.tool = scalar(n, key + ".tool");
    if (auto n = node["probe"]) spec.probe = scalar(n, key + ".probe");
    if (auto n = node["install_hint"]) spec.install_hint = scalar(n, key + ".install_hint");
    if (auto n = node["timeout"]) {
      auto timeout = core::parse_duration(scalar(n, key + ".timeout"));
      if (!timeout || timeout->count() <= 0) {
        fail(n, key + ".timeout", fmt::format("bad duration '{}'", n.Scalar()),
             std::string(k_duration_hint));
      }
      spec.timeout = *timeout;
    }
    if (auto n = node["retries"]) spec.retries = integer(n, key + ".retries", 0, 10);
    if (auto n = node["red_exit"]) {
      if (!n.IsSequence()) fail(n, key + ".red_exit", "expected a list of exit codes");
      for (size_t i = 0; i < n.size(); ++i) {
        spec.red_exit.push_back(integer(n[i], fmt::format("{}.red_exit[{}]", key, i), 0, 255));
      }
    }
    if (auto n = node["red_output"]) spec.red_output = regex(n, key + ".red_output");
    if (auto n = node["coverage_pattern"]) {
      spec.coverage_pattern = regex(n, key + ".coverage_pattern");
      if (std::regex(spec.coverage_pattern).mark_count() < 1) {
        fail(n, key + ".coverage_pattern", "the pattern needs a group capturing the percentage");
      }
    }
    read_coverage_report(node, spec, key);
    if (auto n = node["run_test"]) spec.run_test = run_test(n, which, key + ".run_test");
    return spec;
  }

  // unit-test's run_test: the single-test command and how a missing test shows.
  RunTest run_test(const YAML::Node& node, core::Stage which, const std::string& key) const {
    if (which != core::Stage::unit_test) {
      fail(node, key, "run_test only applies to unit-test",
           "required tests run after the unit tests; move run_test under stages.unit-test");
    }
    require_map(node, key, {"command", "missing_exit", "missing_output", "ran_output"});
    RunTest out;
    if (!node["command"]) fail(node, key, "missing key 'command'");
    out.command = scalar(node["command"], key + ".command");
    if (out.command.find("{test}") == std::string::npos) {
      fail(node["command"], key + ".command", "the command has no {test}",
           "write {test} where the test id goes; factory puts it in as one quoted sh word");
    }
    if (auto n = node["missing_exit"]) {
      if (!n.IsSequence()) fail(n, key + ".missing_exit", "expected a list of exit codes");
      for (size_t i = 0; i < n.size(); ++i) {
        out.missing_exit.push_back(
            integer(n[i], fmt::format("{}.missing_exit[{}]", key, i), 0, 255));
      }
    }
    if (auto n = node["missing_output"]) out.missing_output = regex(n, key + ".missing_output");
    if (auto n = node["ran_output"]) out.ran_output = regex(n, key + ".ran_output");
    return out;
  }

  void read_coverage_report(const YAML::Node& node, StageSpec& spec, const std::string& key) const {
    if (auto n = node["coverage_report"])
      spec.coverage_report = scalar(n, key + ".coverage_report");
    if (auto n = node["coverage_format"]) {
      spec.coverage_format = scalar(n, key + ".coverage_format");
      if (spec.coverage_format != "lcov" && spec.coverage_format != "cobertura" &&
          spec.coverage_format != "go") {
        fail(n, key + ".coverage_format",
             fmt::format("unknown coverage format '{}'", spec.coverage_format),
             "formats are lcov, cobertura and go");
      }
    }
    if (spec.coverage_report.empty() != spec.coverage_format.empty()) {
      fail(node, key, "coverage_report and coverage_format go together",
           "name the report file and its format (lcov, cobertura or go)");
    }
  }

  static std::string join(const std::string& parent, const std::string& child) {
    return parent.empty() ? child : parent + "." + child;
  }

 private:
  std::string m_source;
};

LanguageTemplate read_template(const YAML::Node& root, const TemplateReader& in) {
  if (!root.IsMap()) in.fail(root, "", "expected a mapping of template keys");
  in.require_map(root, "",
                 {"name", "display", "markers", "test_globs", "byproducts", "env", "debug_patterns",
                  "stages"});
  LanguageTemplate out;
  if (!root["name"]) in.fail(root, "name", "missing key 'name'");
  out.name = in.scalar(root["name"], "name");
  out.display = root["display"] ? in.scalar(root["display"], "display") : out.name;
  out.markers = in.strings(root["markers"], "markers");
  out.test_globs = in.strings(root["test_globs"], "test_globs");
  out.byproducts = in.strings(root["byproducts"], "byproducts");
  if (auto env = root["env"]; env && !env.IsNull()) {
    if (!env.IsMap()) in.fail(env, "env", "expected a mapping of variable names to values");
    for (const auto& entry : env) {
      std::string name = in.scalar(entry.first, "env");
      out.env.emplace_back(name, in.scalar(entry.second, "env." + name));
    }
  }
  if (auto list = root["debug_patterns"]; list && !list.IsNull()) {
    if (!list.IsSequence()) in.fail(list, "debug_patterns", "expected a list of regexes");
    for (size_t i = 0; i < list.size(); ++i) {
      out.debug_patterns.push_back(in.regex(list[i], fmt::format("debug_patterns[{}]", i)));
    }
  }
  YAML::Node stages = root["stages"];
  if (!stages) in.fail(root, "stages", "missing key 'stages'");
  if (!stages.IsMap()) in.fail(stages, "stages", "expected a mapping of stage names");
  for (const auto& entry : stages) {
    std::string name = in.scalar(entry.first, "stages");
    auto which = core::parse_stage(name);
    if (!which) {
      in.fail(entry.first, "stages." + name, fmt::format("unknown stage '{}'", name),
              "stages are: tdd-setup, implement, unit-test, coverage, lint, static, integration, "
              "security, review, accept");
    }
    out.stages[*which] = in.stage(entry.second, *which, "stages." + name);
  }
  for (core::Stage s : core::all_stages()) {
    if (!out.stages.contains(s)) {
      in.fail(stages, "stages", fmt::format("missing stage '{}'", core::stage_name(s)),
              "every template lists all ten stages; an empty command means not configured");
    }
  }
  return out;
}

// Every embedded template, parsed once.
const std::map<std::string, LanguageTemplate, std::less<>>& parsed_templates() {
  static const auto k_parsed = [] {
    std::map<std::string, LanguageTemplate, std::less<>> parsed;
    for (const auto& embedded : embedded_templates()) {
      std::string source = fmt::format("templates/{}.yaml", embedded.name);
      parsed.emplace(std::string(embedded.name), parse_template(embedded.yaml, source));
    }
    return parsed;
  }();
  return k_parsed;
}

}  // namespace

LanguageTemplate parse_template(std::string_view yaml, std::string_view source) {
  TemplateReader reader(source);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    throw core::Error(
        core::ExitCode::usage,
        fmt::format("{}:{}:{}: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg),
        "fix the YAML syntax");
  }
  return read_template(root, reader);
}

const LanguageTemplate& template_for(std::string_view language) {
  const auto& all = parsed_templates();
  auto it = all.find(language);
  if (it == all.end()) {
    throw core::Error(core::ExitCode::usage, fmt::format("unknown language '{}'", language),
                      fmt::format("known languages: {}", fmt::join(known_languages(), ", ")));
  }
  return it->second;
}

std::vector<std::string> known_languages() {
  std::vector<std::string> names;
  for (const auto& embedded : embedded_templates()) names.emplace_back(embedded.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace factory::lang
