#include <SQLiteCpp/SQLiteCpp.h>

#include "store/detail.hpp"
#include "store/store.hpp"

// Measurements kept per tree: the coverage stage's analysis and the readiness metrics. Both are
// JSON documents the store does not interpret; a tree id ties them to the exact contents they
// describe, so a changed workspace never shows stale numbers.
namespace factory::store {

void Store::put_coverage(int64_t run_id, const std::string& task, const std::string& tree_id,
                         const std::string& analysis_json) {
  SQLite::Statement insert(
      *m_db, "INSERT INTO coverage_results(run_id, task, tree_id, analysis, at) VALUES(?,?,?,?,?)");
  insert.bind(1, static_cast<int64_t>(run_id));
  insert.bind(2, task);
  insert.bind(3, tree_id);
  insert.bind(4, analysis_json);
  insert.bind(5, static_cast<int64_t>(m_clock.now_ms()));
  insert.exec();
}

std::optional<std::string> Store::coverage_on_tree(const std::string& task,
                                                   const std::string& tree_id) const {
  SQLite::Statement query(*m_db,
                          "SELECT analysis FROM coverage_results WHERE task = ? AND tree_id = ? "
                          "ORDER BY id DESC LIMIT 1");
  query.bind(1, task);
  query.bind(2, tree_id);
  if (!query.executeStep()) return std::nullopt;
  return query.getColumn(0).getString();
}

void Store::put_readiness(const std::string& task, const std::string& tree_id,
                          const std::string& metrics_json) {
  SQLite::Statement upsert(*m_db,
                           "INSERT INTO readiness(task, tree_id, metrics, at) VALUES(?,?,?,?) "
                           "ON CONFLICT(task, tree_id) DO UPDATE SET metrics = excluded.metrics, "
                           "at = excluded.at");
  upsert.bind(1, task);
  upsert.bind(2, tree_id);
  upsert.bind(3, metrics_json);
  upsert.bind(4, static_cast<int64_t>(m_clock.now_ms()));
  upsert.exec();
}

std::optional<std::string> Store::readiness_on_tree(const std::string& task,
                                                    const std::string& tree_id) const {
  SQLite::Statement query(*m_db, "SELECT metrics FROM readiness WHERE task = ? AND tree_id = ?");
  query.bind(1, task);
  query.bind(2, tree_id);
  if (!query.executeStep()) return std::nullopt;
  return query.getColumn(0).getString();
}

std::optional<std::pair<std::string, std::string>> Store::latest_readiness(
    const std::string& task) const {
  SQLite::Statement query(
      *m_db, "SELECT tree_id, metrics FROM readiness WHERE task = ? ORDER BY at DESC LIMIT 1");
  query.bind(1, task);
  if (!query.executeStep()) return std::nullopt;
  return std::make_pair(query.getColumn(0).getString(), query.getColumn(1).getString());
}

}  // namespace factory::store
