#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "store/store.hpp"

// Rollout state: one row per deployed task, and the probe readings of each step. The row is the
// truth about the flag's percentage, so it is written before the flag file changes.
namespace factory::store {

namespace {

constexpr const char* k_rollout_columns =
    "task, flag, strategy, plan, step, percentage, target, state, step_started_at, "
    "flag_fingerprint, pid, commit_id, note, updated_at";

RolloutRow read_rollout(SQLite::Statement& query) {
  RolloutRow row;
  row.task = query.getColumn(0).getString();
  row.flag = query.getColumn(1).getString();
  row.strategy = query.getColumn(2).getString();
  row.plan_json = query.getColumn(3).getString();
  row.step = query.getColumn(4).getInt();
  row.percentage = query.getColumn(5).getInt();
  if (!query.getColumn(6).isNull()) row.target = query.getColumn(6).getInt();
  row.state = query.getColumn(7).getString();
  row.step_started_at = query.getColumn(8).getInt64();
  row.flag_fingerprint = query.getColumn(9).getString();
  row.pid = query.getColumn(10).getInt64();
  row.commit_id = query.getColumn(11).getString();
  row.note = query.getColumn(12).getString();
  row.updated_at = query.getColumn(13).getInt64();
  return row;
}

}  // namespace

void Store::put_rollout(const RolloutRow& rollout) {
  SQLite::Statement upsert(*m_db, fmt::format("INSERT OR REPLACE INTO rollouts({}) VALUES("
                                              "?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                              k_rollout_columns));
  upsert.bind(1, rollout.task);
  upsert.bind(2, rollout.flag);
  upsert.bind(3, rollout.strategy);
  upsert.bind(4, rollout.plan_json);
  upsert.bind(5, rollout.step);
  upsert.bind(6, rollout.percentage);
  if (rollout.target) {
    upsert.bind(7, *rollout.target);
  } else {
    upsert.bind(7);
  }
  upsert.bind(8, rollout.state);
  upsert.bind(9, static_cast<int64_t>(rollout.step_started_at));
  upsert.bind(10, rollout.flag_fingerprint);
  upsert.bind(11, static_cast<int64_t>(rollout.pid));
  upsert.bind(12, rollout.commit_id);
  upsert.bind(13, rollout.note);
  upsert.bind(14, static_cast<int64_t>(m_clock.now_ms()));
  upsert.exec();
}

std::optional<RolloutRow> Store::find_rollout(const std::string& task) const {
  SQLite::Statement query(*m_db,
                          fmt::format("SELECT {} FROM rollouts WHERE task = ?", k_rollout_columns));
  query.bind(1, task);
  if (!query.executeStep()) return std::nullopt;
  return read_rollout(query);
}

std::vector<RolloutRow> Store::list_rollouts() const {
  SQLite::Statement query(
      *m_db,
      fmt::format("SELECT {} FROM rollouts ORDER BY updated_at DESC, task", k_rollout_columns));
  std::vector<RolloutRow> rows;
  while (query.executeStep()) rows.push_back(read_rollout(query));
  return rows;
}

void Store::record_probe(const ProbeRow& probe) {
  SQLite::Statement insert(*m_db,
                           "INSERT INTO rollout_probes(task, step, rule, at, ok, value, fired, "
                           "output, error) VALUES(?,?,?,?,?,?,?,?,?)");
  insert.bind(1, probe.task);
  insert.bind(2, probe.step);
  insert.bind(3, probe.rule);
  insert.bind(4, static_cast<int64_t>(probe.at != 0 ? probe.at : m_clock.now_ms()));
  insert.bind(5, probe.ok ? 1 : 0);
  if (probe.value) {
    insert.bind(6, *probe.value);
  } else {
    insert.bind(6);
  }
  insert.bind(7, probe.fired ? 1 : 0);
  insert.bind(8, probe.output);
  insert.bind(9, probe.error);
  insert.exec();
}

void Store::clear_probes(const std::string& task) {
  SQLite::Statement erase(*m_db, "DELETE FROM rollout_probes WHERE task = ?");
  erase.bind(1, task);
  erase.exec();
}

std::vector<ProbeRow> Store::probes(const std::string& task, int step) const {
  SQLite::Statement query(*m_db,
                          "SELECT rule, at, ok, value, fired, output, error FROM rollout_probes "
                          "WHERE task = ? AND step = ? ORDER BY id");
  query.bind(1, task);
  query.bind(2, step);
  std::vector<ProbeRow> rows;
  while (query.executeStep()) {
    ProbeRow row;
    row.task = task;
    row.step = step;
    row.rule = query.getColumn(0).getInt();
    row.at = query.getColumn(1).getInt64();
    row.ok = query.getColumn(2).getInt() != 0;
    if (!query.getColumn(3).isNull()) row.value = query.getColumn(3).getDouble();
    row.fired = query.getColumn(4).getInt() != 0;
    row.output = query.getColumn(5).getString();
    row.error = query.getColumn(6).getString();
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace factory::store
