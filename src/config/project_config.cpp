#include "config/project_config.hpp"

#include "config/text_file.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>

#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "core/duration.hpp"
#include "core/error.hpp"

namespace factory::config {

namespace {

using Keys = std::set<std::string, std::less<>>;

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date or time";
  }
}

// Validates one parsed file; every error names the file, line:column and the dotted key.
class ConfigReader {
 public:
  explicit ConfigReader(const std::string& source) : m_source(source) {}

  [[noreturn]] void fail(const toml::source_region& at, std::string_view key, std::string_view what,
                         std::string hint) const {
    throw core::Error(
        core::ExitCode::usage,
        fmt::format("{}:{}:{}: {} (key {})", m_source, at.begin.line, at.begin.column, what, key),
        std::move(hint));
  }

  // The table under `key`, with every entry's name checked against `allowed`.
  const toml::table& table(const toml::node& node, const std::string& key,
                           const Keys& allowed) const {
    const toml::table* tbl = node.as_table();
    if (!tbl)
      fail(node.source(), key, fmt::format("expected a table, got {}", type_name(node)),
           fmt::format("write it as [{}]", key));
    for (auto&& [name, value] : *tbl) {
      if (!allowed.contains(name.str())) {
        fail(name.source(), key + "." + std::string(name.str()),
             fmt::format("unknown key '{}' in [{}]", name.str(), key),
             fmt::format("valid keys in [{}]: {}", key, fmt::join(allowed, ", ")));
      }
    }
    return *tbl;
  }

  std::string string(const toml::node& node, const std::string& key) const {
    if (auto value = node.value_exact<std::string>()) return *value;
    fail(node.source(), key, fmt::format("expected a string, got {}", type_name(node)),
         fmt::format("quote the value: {} = \"...\"", key.substr(key.rfind('.') + 1)));
  }

  int integer(const toml::node& node, const std::string& key, int64_t min, int64_t max) const {
    auto value = node.value_exact<int64_t>();
    if (!value) {
      fail(node.source(), key, fmt::format("expected an integer, got {}", type_name(node)),
           fmt::format("use a whole number from {} to {}", min, max));
    }
    if (*value < min || *value > max) {
      fail(node.source(), key, fmt::format("{} is out of range", *value),
           fmt::format("use a whole number from {} to {}", min, max));
    }
    return static_cast<int>(*value);
  }

  // A positive duration of at most core::k_max_duration: a string with a unit or whole seconds.
  std::chrono::milliseconds duration(const toml::node& node, const std::string& key) const {
    constexpr std::string_view hint =
        "use \"90s\", \"5m\", \"1h\", \"250ms\" or a number of seconds";
    std::optional<std::chrono::milliseconds> parsed;
    if (auto text = node.value_exact<std::string>()) {
      auto length = core::duration_in_ms(*text);
      if (length && *length > static_cast<double>(core::k_max_duration.count()))
        too_long(node, key, fmt::format("\"{}\"", *text));
      parsed = core::parse_duration(*text);
      if (!parsed)
        fail(node.source(), key, fmt::format("bad duration \"{}\"", *text), std::string(hint));
    } else if (auto seconds = node.value_exact<int64_t>()) {
      if (*seconds > std::chrono::duration_cast<std::chrono::seconds>(core::k_max_duration).count())
        too_long(node, key, fmt::format("{}", *seconds));
      if (*seconds > 0) parsed = std::chrono::seconds(*seconds);
    } else {
      fail(node.source(), key, fmt::format("expected a duration, got {}", type_name(node)),
           std::string(hint));
    }
    if (!parsed || parsed->count() <= 0) {
      fail(node.source(), key, "the timeout must be positive", std::string(hint));
    }
    return *parsed;
  }

  // Fails for a duration over core::k_max_duration; `what` is the value as written.
  [[noreturn]] void too_long(const toml::node& node, std::string_view key,
                             std::string_view what) const {
    auto hours = std::chrono::duration_cast<std::chrono::hours>(core::k_max_duration).count();
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(core::k_max_duration).count();
    fail(node.source(), key, fmt::format("duration {} is too long", what),
         fmt::format("the longest a timeout can be is {} hours: \"{}h\" or {} (seconds)", hours,
                     hours, seconds));
  }

  const std::string& source() const { return m_source; }

 private:
  std::string m_source;
};

StageOverride read_stage(const ConfigReader& in, const toml::node& node, const std::string& key) {
  const auto& tbl = in.table(node, key, {"command", "timeout", "retries"});
  StageOverride out;
  if (auto n = tbl.get("command")) out.command = in.string(*n, key + ".command");
  if (auto n = tbl.get("timeout")) out.timeout = in.duration(*n, key + ".timeout");
  if (auto n = tbl.get("retries")) out.retries = in.integer(*n, key + ".retries", 0, 10);
  return out;
}

void read_stages(const ConfigReader& in, const toml::node& node, ProjectConfig& config) {
  const toml::table* tbl = node.as_table();
  if (!tbl) {
    in.fail(node.source(), "stages", fmt::format("expected a table, got {}", type_name(node)),
            "write each override as [stages.<stage>]");
  }
  for (auto&& [name, value] : *tbl) {
    std::string key = "stages." + std::string(name.str());
    auto stage = core::parse_stage(name.str());
    if (!stage) {
      in.fail(name.source(), key, fmt::format("unknown stage '{}'", name.str()),
              "stages are: tdd-setup, implement, unit-test, coverage, lint, static, "
              "integration, security, review, accept");
    }
    config.stages[*stage] = read_stage(in, value, key);
  }
}

// [[extract.patterns]]: user line patterns, checked exactly like formats/*.toml (RE2 included).
void read_extract(const ConfigReader& in, const toml::node& node, ProjectConfig& config) {
  const auto& tbl = in.table(node, "extract", {"patterns"});
  const toml::node* patterns = tbl.get("patterns");
  if (!patterns) return;
  const toml::array* list = patterns->as_array();
  if (list && list->empty()) return;
  if (!list || !list->is_array_of_tables()) {
    in.fail(patterns->source(), "extract.patterns",
            fmt::format("expected an array of tables, got {}", type_name(*patterns)),
            "write each pattern as [[extract.patterns]] with tool = \"...\" and regex = '...'");
  }
  for (size_t i = 0; i < list->size(); ++i) {
    config.extract_patterns.push_back(extract::pattern_from_toml(
        *list->get(i)->as_table(), in.source(), fmt::format("extract.patterns[{}]", i)));
  }
}

// [agents.debug]: the command `factory explain` pipes its prompt to.
void read_agents(const ConfigReader& in, const toml::node& node, ProjectConfig& config) {
  const auto& tbl = in.table(node, "agents", {"debug"});
  const toml::node* debug = tbl.get("debug");
  if (!debug) return;
  const auto& agent = in.table(*debug, "agents.debug", {"command", "timeout"});
  if (auto n = agent.get("command")) {
    config.debug_agent_command = in.string(*n, "agents.debug.command");
    if (config.debug_agent_command.find_first_not_of(" \t\r\n") == std::string::npos) {
      in.fail(n->source(), "agents.debug.command", "the command is empty",
              "name a CLI that reads the prompt on stdin, e.g. command = \"llm -m gpt-4o\", or "
              "remove the key to print the prompt instead");
    }
  }
  if (auto n = agent.get("timeout")) {
    config.debug_agent_timeout = in.duration(*n, "agents.debug.timeout");
  }
}

ProjectConfig read_config(const ConfigReader& in, const toml::table& root) {
  ProjectConfig config;
  for (auto&& [name, node] : root) {
    std::string key(name.str());
    if (key == "project") {
      const auto& tbl = in.table(node, key, {"language"});
      if (auto n = tbl.get("language")) config.language = in.string(*n, "project.language");
    } else if (key == "workspace") {
      const auto& tbl = in.table(node, key, {"root", "backend"});
      if (auto n = tbl.get("root")) config.workspace_root = in.string(*n, "workspace.root");
      if (auto n = tbl.get("backend")) {
        config.backend = in.string(*n, "workspace.backend");
        if (config.backend != "auto" && config.backend != "git" && config.backend != "jj") {
          in.fail(n->source(), "workspace.backend",
                  fmt::format("unknown backend \"{}\"", config.backend),
                  "backend is \"auto\", \"git\" or \"jj\"");
        }
      }
    } else if (key == "coverage") {
      const auto& tbl = in.table(node, key, {"min", "min_patch"});
      if (auto n = tbl.get("min")) config.coverage_min = in.integer(*n, "coverage.min", 0, 100);
      if (auto n = tbl.get("min_patch")) {
        config.coverage_min_patch = in.integer(*n, "coverage.min_patch", 0, 100);
      }
    } else if (key == "review") {
      const auto& tbl = in.table(node, key, {"max_lines"});
      if (auto n = tbl.get("max_lines")) {
        config.review_max_lines = in.integer(*n, "review.max_lines", 1, INT32_MAX);
      }
    } else if (key == "stages") {
      read_stages(in, node, config);
    } else if (key == "extract") {
      read_extract(in, node, config);
    } else if (key == "agents") {
      read_agents(in, node, config);
    } else if (key == "flags") {
      const auto& tbl = in.table(node, key, {"file"});
      if (auto n = tbl.get("file")) {
        config.flags_file = in.string(*n, "flags.file");
        if (config.flags_file.find_first_not_of(" \t") == std::string::npos) {
          in.fail(
              n->source(), "flags.file", "the flag file path is empty",
              "give a path relative to the repository root, e.g. file = \".factory/flags.json\"");
        }
      }
    } else {
      in.fail(name.source(), key, fmt::format("unknown table [{}]", key),
              "valid tables: [project], [workspace], [coverage], [review], [stages.<stage>], "
              "[[extract.patterns]], [agents.debug], [flags]");
    }
  }
  return config;
}

}  // namespace

ProjectConfig parse_project_config(std::string_view text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw core::Error(core::ExitCode::usage,
                      fmt::format("{}:{}:{}: {}", source, e.source().begin.line,
                                  e.source().begin.column, e.description()),
                      fmt::format("fix the TOML syntax in {}", source));
  }
  return read_config(ConfigReader(source), root);
}

ProjectConfig load_project_config(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return ProjectConfig{};
  return parse_project_config(read_text_file(file), file.string());
}

std::string toml_quoted(std::string_view text) {
  std::ostringstream out;
  out << toml::value<std::string>(std::string(text));
  return out.str();
}

}  // namespace factory::config
