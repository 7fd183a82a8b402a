#include "store/store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/error.hpp"
#include "store/schema.hpp"

namespace factory::store {

namespace {

constexpr const char* k_memory = ":memory:";

std::unique_ptr<SQLite::Database> open_database(const fs::path& db_path) {
  const bool in_memory = db_path == k_memory;
  try {
    if (!in_memory && db_path.has_parent_path()) fs::create_directories(db_path.parent_path());
    auto db = std::make_unique<SQLite::Database>(db_path.string(),
                                                 SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    // The timeout first: switching to WAL needs a lock another process may hold.
    db->exec("PRAGMA busy_timeout=5000");
    if (!in_memory) db->exec("PRAGMA journal_mode=WAL");
    db->exec("PRAGMA foreign_keys=ON");
    return db;
  } catch (const std::exception& e) {
    throw core::Error(core::ExitCode::usage,
                      fmt::format("cannot open {}: {}", db_path.string(), e.what()),
                      "check that the directory exists and is writable");
  }
}

EventRow read_event(SQLite::Statement& query) {
  EventRow row;
  row.seq = query.getColumn(0).getInt64();
  row.ts = query.getColumn(1).getInt64();
  row.task = query.getColumn(2).getString();
  if (!query.getColumn(3).isNull()) row.run_id = query.getColumn(3).getInt64();
  row.actor = query.getColumn(4).getString();
  row.action = query.getColumn(5).getString();
  row.payload = query.getColumn(6).getString();
  return row;
}

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

}  // namespace

Store::Store(const fs::path& db_path, const core::Clock& clock)
    : m_db(open_database(db_path)), m_clock(clock) {
  migrate(*m_db);
}

Store::~Store() = default;

int Store::schema_version() {
  return static_cast<int>(migrations().size());
}

int Store::user_version() const {
  return m_db->execAndGet("PRAGMA user_version").getInt();
}

int64_t Store::append_event(const std::string& task, std::optional<int64_t> run_id,
                            const std::string& actor, const std::string& action,
                            const std::string& payload_json) {
  // The audit trail cannot be corrected afterwards, so a malformed payload never gets in.
  auto payload = nlohmann::json::parse(payload_json, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) {
    throw std::invalid_argument("event payload is not a JSON object: " + payload_json);
  }
  SQLite::Statement insert(
      *m_db, "INSERT INTO events(ts, task, run_id, actor, action, payload) VALUES(?,?,?,?,?,?)");
  insert.bind(1, static_cast<int64_t>(m_clock.now_ms()));
  insert.bind(2, task);
  if (run_id) {
    insert.bind(3, static_cast<int64_t>(*run_id));
  } else {
    insert.bind(3);
  }
  insert.bind(4, actor);
  insert.bind(5, action);
  insert.bind(6, payload.dump());
  insert.exec();
  return m_db->getLastInsertRowid();
}

std::vector<EventRow> Store::events(const std::string& task) const {
  SQLite::Statement query(*m_db,
                          "SELECT seq, ts, task, run_id, actor, action, payload FROM events "
                          "WHERE task = ? ORDER BY seq");
  query.bind(1, task);
  std::vector<EventRow> rows;
  while (query.executeStep()) rows.push_back(read_event(query));
  return rows;
}

// Only the outermost level holds the write lock; inner levels are savepoints, so an inner
// failure that the caller handles undoes just the inner work.
void Store::begin() {
  if (m_tx_depth == 0) {
    m_db->exec("BEGIN IMMEDIATE");
  } else {
    m_db->exec(fmt::format("SAVEPOINT factory_{}", m_tx_depth));
  }
  ++m_tx_depth;
}

void Store::commit() {
  const int level = --m_tx_depth;
  if (level > 0) {
    m_db->exec(fmt::format("RELEASE factory_{}", level));
    return;
  }
  try {
    m_db->exec("COMMIT");
  } catch (...) {
    m_db->tryExec("ROLLBACK");
    throw;
  }
}

// Called while an exception is in flight, so it never throws.
void Store::rollback() {
  if (m_tx_depth == 0) return;
  const int level = --m_tx_depth;
  if (level > 0) {
    m_db->tryExec(fmt::format("ROLLBACK TO factory_{}", level));
    m_db->tryExec(fmt::format("RELEASE factory_{}", level));
  } else {
    m_db->tryExec("ROLLBACK");
  }
}

std::string current_actor() {
  for (const char* name : {"FACTORY_ACTOR", "USER", "LOGNAME"}) {
    auto value = env_or_empty(name);
    if (!value.empty()) return value;
  }
  return "unknown";
}

}  // namespace factory::store
