#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "config/project_config.hpp"
#include "core/contract.hpp"
#include "coverage/analysis.hpp"
#include "coverage/diff.hpp"
#include "lang/language_template.hpp"
#include "store/store.hpp"
#include "vcs/vcs.hpp"

namespace factory::pipeline {

// The thresholds and critical paths in force: the contract's, else .factory.toml's [coverage].
coverage::Rules coverage_rules(const core::Contract& contract, const config::ProjectConfig& config);

// The lines the task added or changed since its base, by workspace-relative path.
coverage::ChangedLines task_changed_lines(vcs::Vcs& vcs, const store::TaskRow& task);

// Where the coverage stage's report lands: the template's coverage_report with
// $FACTORY_CACHE expanded; empty when the template names none.
std::filesystem::path coverage_report_path(const lang::StageSpec& spec,
                                           const std::filesystem::path& cache_dir);

// What the coverage stage keeps per tree: the report, so it can be analysed again under the
// contract in force when a person decides.
std::string stored_measurement(const coverage::Report& report);

// The measurement kept for exactly this tree, analysed under `rules` against `changed`;
// nullopt when the coverage stage measured nothing on it.
std::optional<coverage::Analysis> stored_coverage(const store::Store& store,
                                                  const std::string& task,
                                                  const std::string& tree_id,
                                                  const coverage::Rules& rules,
                                                  const coverage::ChangedLines& changed);

}  // namespace factory::pipeline
