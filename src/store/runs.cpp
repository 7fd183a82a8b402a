#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/json_text.hpp"
#include "extract/finding_json.hpp"
#include "store/detail.hpp"
#include "store/store.hpp"

namespace factory::store {

namespace {

constexpr const char* k_run_select =
    "SELECT id, task, number, status, \"range\", vcs_operation, started_at, ended_at FROM runs";
constexpr const char* k_result_select =
    "SELECT run_id, task, stage, outcome, exit_code, duration_ms, log_path, tree_id, commit_id, "
    "detail, at, findings FROM stage_results";

RunRow read_run(SQLite::Statement& query) {
  RunRow row;
  row.id = query.getColumn(0).getInt64();
  row.task = query.getColumn(1).getString();
  row.number = query.getColumn(2).getInt();
  row.status = query.getColumn(3).getString();
  row.range = query.getColumn(4).getString();
  row.vcs_operation = query.getColumn(5).getString();
  row.started_at = query.getColumn(6).getInt64();
  row.ended_at = query.getColumn(7).getInt64();
  return row;
}

constexpr size_t k_stored_text = 4096;  // per message or context line: a 64 KB log line is cut

std::string cut(const std::string& text) {
  return text.size() <= k_stored_text ? text : text.substr(0, k_stored_text);
}

// The first k_stored_findings, context included, as a JSON array.
std::string findings_json(const std::vector<extract::Finding>& findings) {
  auto array = nlohmann::ordered_json::array();
  for (size_t i = 0; i < findings.size() && i < k_stored_findings; ++i) {
    extract::Finding kept = findings[i];
    kept.message = cut(kept.message);
    for (auto& line : kept.context) line = cut(line);
    array.push_back(extract::to_json(kept));
  }
  return extract::dump_json(array);
}

// What findings_json wrote; a damaged column reads as no findings rather than failing a status.
std::vector<extract::Finding> parse_findings(const std::string& text) {
  std::vector<extract::Finding> findings;
  auto array = nlohmann::json::parse(text, nullptr, false);
  if (!array.is_array()) return findings;
  for (const auto& object : array) {
    if (object.is_object()) findings.push_back(extract::finding_from_json(object));
  }
  return findings;
}

StageResultRow read_result(SQLite::Statement& query) {
  StageResultRow row;
  row.run_id = query.getColumn(0).getInt64();
  row.task = query.getColumn(1).getString();
  auto stage = core::parse_stage(query.getColumn(2).getString());
  auto outcome = core::parse_outcome(query.getColumn(3).getString());
  if (!stage || !outcome) {
    throw std::runtime_error(fmt::format("state.db holds an unknown stage result '{}' '{}'",
                                         query.getColumn(2).getString(),
                                         query.getColumn(3).getString()));
  }
  row.stage = *stage;
  row.outcome = *outcome;
  row.exit_code = query.getColumn(4).getInt();
  row.duration_ms = query.getColumn(5).getInt64();
  row.log_path = query.getColumn(6).getString();
  row.tree_id = query.getColumn(7).getString();
  row.commit_id = query.getColumn(8).getString();
  row.detail = query.getColumn(9).getString();
  row.at = query.getColumn(10).getInt64();
  row.findings = parse_findings(query.getColumn(11).getString());
  return row;
}

std::vector<StageResultRow> read_results(SQLite::Statement& query) {
  std::vector<StageResultRow> rows;
  while (query.executeStep()) rows.push_back(read_result(query));
  return rows;
}

// Whoever started the run also owns what happens in it.
std::string run_actor(SQLite::Database& db, int64_t run_id) {
  SQLite::Statement query(
      db, "SELECT actor FROM events WHERE run_id = ? AND action = 'run_started' LIMIT 1");
  query.bind(1, static_cast<int64_t>(run_id));
  return query.executeStep() ? query.getColumn(0).getString() : std::string("unknown");
}

bool is_green(core::Outcome outcome) {
  return outcome == core::Outcome::passed || outcome == core::Outcome::skipped;
}

}  // namespace

RunRow Store::begin_run(const std::string& task, const std::string& range,
                        const std::string& actor) {
  RunRow run;
  transaction([&] {
    if (!find_task(task)) throw detail::no_such_task(task);
    SQLite::Statement next(*m_db, "SELECT COALESCE(MAX(number), 0) + 1 FROM runs WHERE task = ?");
    next.bind(1, task);
    next.executeStep();
    run.task = task;
    run.number = next.getColumn(0).getInt();
    run.status = "running";
    run.range = range;
    run.started_at = m_clock.now_ms();
    SQLite::Statement insert(*m_db,
                             "INSERT INTO runs(task, number, status, \"range\", vcs_operation, "
                             "started_at, ended_at) VALUES(?,?,?,?,'',?,0)");
    insert.bind(1, task);
    insert.bind(2, run.number);
    insert.bind(3, run.status);
    insert.bind(4, range);
    insert.bind(5, static_cast<int64_t>(run.started_at));
    insert.exec();
    run.id = m_db->getLastInsertRowid();
    append_event(task, run.id, actor, "run_started",
                 core::json_text(nlohmann::json{{"run", run.number}, {"range", range}}));
  });
  return run;
}

void Store::end_run(int64_t run_id, const std::string& status, const std::string& vcs_operation) {
  if (status != "passed" && status != "failed" && status != "blocked" && status != "interrupted") {
    throw std::invalid_argument("a run ends passed, failed, blocked or interrupted, not " + status);
  }
  transaction([&] {
    SQLite::Statement find(*m_db, std::string(k_run_select) + " WHERE id = ?");
    find.bind(1, static_cast<int64_t>(run_id));
    if (!find.executeStep()) throw std::invalid_argument(fmt::format("no run {}", run_id));
    const RunRow run = read_run(find);
    SQLite::Statement update(
        *m_db, "UPDATE runs SET status = ?, ended_at = ?, vcs_operation = ? WHERE id = ?");
    update.bind(1, status);
    update.bind(2, static_cast<int64_t>(m_clock.now_ms()));
    update.bind(3, vcs_operation);
    update.bind(4, static_cast<int64_t>(run_id));
    update.exec();
    nlohmann::json payload = {{"run", run.number}, {"vcs_operation", vcs_operation}};
    append_event(run.task, run_id, run_actor(*m_db, run_id), "run_" + status,
                 core::json_text(payload));
  });
}

std::optional<RunRow> Store::last_run(const std::string& task) const {
  SQLite::Statement query(
      *m_db, std::string(k_run_select) + " WHERE task = ? ORDER BY number DESC LIMIT 1");
  query.bind(1, task);
  if (!query.executeStep()) return std::nullopt;
  return read_run(query);
}

void Store::record_stage(const StageResultRow& result) {
  transaction([&] {
    SQLite::Statement insert(*m_db,
                             "INSERT INTO stage_results(run_id, task, stage, outcome, exit_code, "
                             "duration_ms, log_path, tree_id, commit_id, detail, at, findings) "
                             "VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    const std::string stage(core::stage_name(result.stage));
    const std::string outcome(core::outcome_name(result.outcome));
    insert.bind(1, static_cast<int64_t>(result.run_id));
    insert.bind(2, result.task);
    insert.bind(3, stage);
    insert.bind(4, outcome);
    insert.bind(5, result.exit_code);
    insert.bind(6, static_cast<int64_t>(result.duration_ms));
    insert.bind(7, result.log_path);
    insert.bind(8, result.tree_id);
    insert.bind(9, result.commit_id);
    insert.bind(10, result.detail);
    insert.bind(11, static_cast<int64_t>(detail::pinned_or(result.at, m_clock.now_ms())));
    insert.bind(12, findings_json(result.findings));
    insert.exec();
    nlohmann::json payload = {
        {"stage", stage},         {"outcome", outcome},         {"exit_code", result.exit_code},
        {"tree", result.tree_id}, {"commit", result.commit_id}, {"detail", result.detail}};
    append_event(result.task, result.run_id, run_actor(*m_db, result.run_id), "stage",
                 core::json_text(payload));
  });
}

std::vector<StageResultRow> Store::stage_results(int64_t run_id) const {
  SQLite::Statement query(*m_db, std::string(k_result_select) + " WHERE run_id = ? ORDER BY id");
  query.bind(1, static_cast<int64_t>(run_id));
  return read_results(query);
}

std::vector<StageResultRow> Store::latest_results(const std::string& task) const {
  SQLite::Statement query(*m_db, std::string(k_result_select) +
                                     " AS s WHERE task = ? AND id = (SELECT MAX(id) FROM "
                                     "stage_results WHERE task = s.task AND stage = s.stage)");
  query.bind(1, task);
  auto rows = read_results(query);
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return core::stage_number(a.stage) < core::stage_number(b.stage);
  });
  return rows;
}

std::optional<StageResultRow> Store::green_on_tree(const std::string& task, core::Stage stage,
                                                   const std::string& tree_id) const {
  if (tree_id.empty()) return std::nullopt;
  // Only the newest result on the tree counts: a later failure there withdraws an earlier pass.
  SQLite::Statement query(*m_db, std::string(k_result_select) +
                                     " WHERE task = ? AND stage = ? AND tree_id = ? "
                                     "ORDER BY id DESC LIMIT 1");
  query.bind(1, task);
  query.bind(2, std::string(core::stage_name(stage)));
  query.bind(3, tree_id);
  if (!query.executeStep()) return std::nullopt;
  auto row = read_result(query);
  if (!is_green(row.outcome)) return std::nullopt;
  return row;
}

}  // namespace factory::store
