#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace SQLite {
class Database;
class Statement;
}  // namespace SQLite

// The store's own side of the audit chain: audit_head, the v3 migration's backfill and the disk
// sync of decision events. Only store/*.cpp includes this.
namespace factory::store {
struct EventRow;
}

namespace factory::store::detail {

// Every column of events in the order read_event expects; callers add WHERE and ORDER BY.
inline constexpr const char* k_event_select =
    "SELECT seq, ts, task, run_id, actor, action, payload, prev_hash, hash FROM events";

// The current row of a query made from k_event_select.
EventRow read_event(SQLite::Statement& query);

// The row of audit_head: the last appended seq and its hash.
struct AuditHead {
  int64_t last_seq = 0;
  std::string digest;
};

// audit_head's row; nullopt when it was deleted (the trigger was dropped first).
std::optional<AuditHead> read_head(SQLite::Database& db);

// Moves audit_head to the event just inserted.
void write_head(SQLite::Database& db, const AuditHead& head);

// Schema v3's code step, run inside the migration transaction: fills prev_hash and hash of the
// events an older factory wrote, in seq order (the update trigger is dropped and recreated
// around it), and creates audit_head at the last of them.
void chain_existing_events(SQLite::Database& db);

// A read transaction for the object's life, so the reads inside it see one state of the
// database while other processes append; nothing when a transaction is already open.
class ReadSnapshot {
 public:
  ReadSnapshot(SQLite::Database& db, int tx_depth);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  SQLite::Database* m_db = nullptr;  // null when not ours to end
};

// Flushes the WAL to disk: what synchronous=FULL would have done at the commit just made.
// SQLite refuses to change `synchronous` inside a transaction, and decision events are appended
// inside one, so the store commits at NORMAL and syncs afterwards. A no-op for ":memory:".
void sync_wal(SQLite::Database& db);

}  // namespace factory::store::detail
