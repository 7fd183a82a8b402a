#include "pipeline/task_contract.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>
#include <sstream>

#include "config/contract_file.hpp"
#include "config/text_file.hpp"
#include "core/error.hpp"
#include "core/glob.hpp"

namespace factory::pipeline {

namespace {
std::string read_file(const fs::path& file, const std::string& option) {
  if (auto text = config::try_read_text_file(file)) return *text;
  throw Error(ExitCode::usage, fmt::format("{} {}: cannot read the file", option, file.string()),
              "give a readable file path");
}

void check_globs(const std::vector<std::string>& globs, const std::string& option) {
  for (const auto& glob : globs) {
    if (auto problem = core::glob_error(glob)) {
      throw Error(ExitCode::usage, fmt::format("{} '{}': {}", option, glob, *problem),
                  "globs are gitignore-style: 'src/**', '*.py', 'tests/test_?.py', '!keep.txt'");
    }
  }
}

// `bd show <id> --json` prints the issue (or a one-element array of it).
std::string beads_description(const std::string& id, core::ProcessRunner& runner) {
  auto result = runner.run(core::shell_request(fmt::format("bd show '{}' --json", id), "."));
  if (result.spawn_failed || result.exit_code == 127) {
    throw Error(ExitCode::usage,
                fmt::format("--from {}: no such file, and the beads CLI 'bd' is not installed", id),
                "pass a file, or install beads so 'bd show <id>' works");
  }
  if (!result.ok()) {
    throw Error(ExitCode::usage,
                fmt::format("--from {}: 'bd show' failed (exit code {})", id, result.exit_code),
                "check the beads id with 'bd list'");
  }
  auto json = nlohmann::json::parse(result.output, nullptr, false);
  if (json.is_array() && !json.empty()) json = json.front();
  if (!json.is_object()) {
    throw Error(ExitCode::usage, fmt::format("--from {}: 'bd show --json' printed no issue", id),
                "check the beads id with 'bd list'");
  }
  std::string text = json.value("title", std::string());
  std::string body = json.value("description", std::string());
  if (!body.empty()) text += "\n\n" + body;
  return text + "\n";
}

bool looks_like_beads_id(const std::string& from) {
  static const std::regex k_id(R"([A-Za-z][A-Za-z0-9]*-[A-Za-z0-9]+(\.[0-9]+)*)");
  return std::regex_match(from, k_id);
}
}  // namespace

core::Contract initial_contract(const Repo& repo, const std::string& task,
                                const ContractOptions& options, core::ProcessRunner& runner) {
  core::Contract contract;
  fs::path existing = config::contract_path(repo.main_root(), task);
  if (!options.contract_file.empty()) {
    contract = config::parse_contract(read_file(options.contract_file, "--contract"),
                                      options.contract_file);
  } else if (fs::exists(existing)) {
    contract = config::load_contract(existing);
  }
  contract.task = task;
  if (options.allow) {
    check_globs(*options.allow, "--allow");
    contract.boundaries.allowed_files = *options.allow;
  }
  check_globs(options.forbid, "--forbid");
  for (const auto& glob : options.forbid) contract.boundaries.forbidden_files.push_back(glob);
  if (!options.from.empty()) {
    if (fs::is_regular_file(options.from)) {
      contract.description = read_file(options.from, "--from");
    } else if (looks_like_beads_id(options.from)) {
      contract.description = beads_description(options.from, runner);
    } else {
      throw Error(ExitCode::usage, fmt::format("--from {}: no such file", options.from),
                  "pass a file with the task's description, or a beads issue id like bd-12");
    }
    contract.source = options.from;
  }
  return contract;
}

fs::path write_contract(const Repo& repo, const core::Contract& contract) {
  fs::path file = config::contract_path(repo.main_root(), contract.task);
  fs::create_directories(file.parent_path());
  fs::path temp = file;
  temp += ".tmp";
  std::ofstream(temp, std::ios::binary) << config::render_contract(contract);
  fs::rename(temp, file);
  return file;
}

std::vector<std::string> unmatched_glob_warnings(const core::Contract& contract,
                                                 const fs::path& workspace) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(workspace, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_directory()) files.push_back(fs::relative(it->path(), workspace).string());
  }
  std::vector<std::string> warnings;
  auto check = [&](const std::vector<std::string>& globs, std::string_view key) {
    for (const auto& glob : globs) {
      if (glob.starts_with("!")) continue;
      bool hit = std::any_of(files.begin(), files.end(),
                             [&](const std::string& f) { return core::glob_match(glob, f); });
      if (!hit) {
        warnings.push_back(fmt::format(
            "boundaries.{}: '{}' matches no file yet (fine for files the task will create)", key,
            glob));
      }
    }
  };
  check(contract.boundaries.allowed_files, "allowed_files");
  check(contract.boundaries.forbidden_files, "forbidden_files");
  return warnings;
}

}  // namespace factory::pipeline
