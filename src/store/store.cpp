#include "store/store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "store/audit_chain.hpp"
#include "store/schema.hpp"

namespace factory::store {

namespace {

constexpr const char* k_memory = ":memory:";

std::unique_ptr<SQLite::Database> open_database(const fs::path& db_path) {
  const bool in_memory = db_path == k_memory;
  try {
    if (!in_memory && db_path.has_parent_path()) fs::create_directories(db_path.parent_path());
    // NOMUTEX: a Store is used by one thread at a time, so SQLite's per-call locking is pure
    // cost (a tenth of `audit verify` over a million rows).
    auto db = std::make_unique<SQLite::Database>(
        db_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
    // The timeout first: switching to WAL needs a lock another process may hold.
    db->exec("PRAGMA busy_timeout=5000");
    // A newer factory's database is refused before anything (the journal mode included) changes.
    refuse_newer_schema(*db);
    if (!in_memory) db->exec("PRAGMA journal_mode=WAL");
    // NORMAL is durable across crashes of factory in WAL mode; decision events are synced
    // explicitly at their commit (detail::sync_wal), the equivalent of synchronous=FULL.
    db->exec("PRAGMA synchronous=NORMAL");
    db->exec("PRAGMA foreign_keys=ON");
    // Reads through a memory map instead of a pread and a copy per page: a task's events are
    // spread over the file, and each command starts with a cold page cache of its own.
    if (!in_memory) db->exec("PRAGMA mmap_size=1073741824");
    return db;
  } catch (const core::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw core::Error(core::ExitCode::usage,
                      fmt::format("cannot open {}: {}", db_path.string(), e.what()),
                      "check that the directory exists and is writable, and that the file is "
                      "factory's state.db (a damaged one: restore it from a backup)");
  }
}

core::Error head_missing() {
  return core::Error(core::ExitCode::blocked,
                     "the audit trail's head (table audit_head in state.db) is missing: the "
                     "trail was edited outside factory, so no event can be chained to it",
                     "run 'factory audit verify' to see what changed, and restore state.db from "
                     "a backup");
}

// The insert failing on seq: rows were added past audit_head by hand.
core::Error seq_taken(int64_t seq) {
  return core::Error(core::ExitCode::blocked,
                     fmt::format("the audit trail already has a seq {} past its head: state.db "
                                 "was edited outside factory",
                                 seq),
                     "run 'factory audit verify' to see what changed");
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
  EventRow row;
  row.task = task;
  row.run_id = run_id;
  row.actor = actor;
  row.action = action;
  row.payload = core::json_text(payload);
  // Read head, insert, move head: one write transaction, so two processes appending at once
  // are serialised by SQLite's write lock instead of both chaining to the same head.
  transaction([&] {
    auto head = detail::read_head(*m_db);
    if (!head) throw head_missing();
    row.seq = head->last_seq + 1;
    row.ts = m_clock.now_ms();
    row.prev_hash = head->digest;
    row.hash = event_hash(row);
    SQLite::Statement insert(*m_db,
                             "INSERT OR IGNORE INTO events(seq, ts, task, run_id, actor, action, "
                             "payload, prev_hash, hash) VALUES(?,?,?,?,?,?,?,?,?)");
    insert.bind(1, static_cast<int64_t>(row.seq));
    insert.bind(2, static_cast<int64_t>(row.ts));
    insert.bind(3, row.task);
    if (row.run_id) {
      insert.bind(4, static_cast<int64_t>(*row.run_id));
    } else {
      insert.bind(4);
    }
    insert.bind(5, row.actor);
    insert.bind(6, row.action);
    insert.bind(7, row.payload);
    insert.bind(8, row.prev_hash);
    insert.bind(9, row.hash);
    if (insert.exec() == 0) throw seq_taken(row.seq);
    detail::write_head(*m_db, {row.seq, row.hash});
    if (is_decision_event(row.action, row.payload)) m_sync_pending = true;
  });
  return row.seq;
}

std::vector<EventRow> Store::events(const std::string& task,
                                    std::optional<int64_t> since_ms) const {
  // The (task, seq) index gives the rows in order; ts is only filtered, never sorted on.
  SQLite::Statement query(*m_db, std::string(detail::k_event_select) +
                                     (since_ms ? " WHERE task = ? AND ts >= ? ORDER BY seq"
                                               : " WHERE task = ? ORDER BY seq"));
  query.bind(1, task);
  if (since_ms) query.bind(2, static_cast<int64_t>(*since_ms));
  std::vector<EventRow> rows;
  while (query.executeStep()) rows.push_back(detail::read_event(query));
  return rows;
}

void Store::for_each_event(const std::function<void(const EventRow&)>& fn) const {
  detail::ReadSnapshot snapshot(*m_db, m_tx_depth);
  SQLite::Statement query(*m_db, std::string(detail::k_event_select) + " ORDER BY seq");
  while (query.executeStep()) fn(detail::read_event(query));
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
    m_sync_pending = false;
    m_db->tryExec("ROLLBACK");
    throw;
  }
  if (m_sync_pending) {
    m_sync_pending = false;
    detail::sync_wal(*m_db);
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
    m_sync_pending = false;
    m_db->tryExec("ROLLBACK");
  }
}

}  // namespace factory::store
