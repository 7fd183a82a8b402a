#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include <memory>
#include <stdexcept>

#include "store/audit.hpp"
#include "store/audit_chain.hpp"
#include "store/store.hpp"

// `factory audit verify`: one streaming pass over the events in seq order (the table's own
// b-tree order, so no sort and nothing held in memory), then audit_head. The raw SQLite API is
// used on this path: a million rows through SQLiteCpp's per-column objects costs a visible part
// of the budget.
namespace factory::store {

namespace {

using StatementPtr = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

StatementPtr prepare(SQLite::Database& db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db.getHandle(), sql, -1, &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    throw std::runtime_error(
        fmt::format("cannot read the audit trail: {}", sqlite3_errmsg(db.getHandle())));
  }
  return StatementPtr(stmt, &sqlite3_finalize);
}

std::string_view text_at(sqlite3_stmt* stmt, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
  return text ? std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(stmt, column)))
              : std::string_view();
}

const char* type_name(int type) {
  switch (type) {
    case SQLITE_INTEGER:
      return "INTEGER";
    case SQLITE_FLOAT:
      return "REAL";
    case SQLITE_BLOB:
      return "BLOB";
    case SQLITE_NULL:
      return "NULL";
    default:
      return "TEXT";
  }
}

// The first column (of k_event_select's) not stored with the type factory writes, which the
// hash cannot see: ts = ts + 0.5 reads back as the same integer, a BLOB actor as the same text.
std::optional<std::string> mistyped_column(sqlite3_stmt* row) {
  static constexpr const char* k_names[] = {"seq",    "ts",      "task",      "run_id", "actor",
                                            "action", "payload", "prev_hash", "hash"};
  for (int column = 1; column < 9; ++column) {
    const int type = sqlite3_column_type(row, column);
    const int expected = column == 1 || column == 3 ? SQLITE_INTEGER : SQLITE_TEXT;
    if (type == expected || (column == 3 && type == SQLITE_NULL)) continue;
    return fmt::format("its {} is stored as {}, factory writes {}", k_names[column],
                       type_name(type), type_name(expected));
  }
  return std::nullopt;
}

// How the trail skips: "the trail goes from seq 4 to 7", or where it starts when seq 1 is gone.
std::string jump(int64_t last_seq, int64_t seq) {
  return last_seq == 0 ? fmt::format("the trail starts at seq {}", seq)
                       : fmt::format("the trail goes from seq {} to {}", last_seq, seq);
}

std::string short_hash(std::string_view hash) {
  return hash.size() > 12 ? fmt::format("{}…", hash.substr(0, 12)) : std::string(hash);
}

// The seq of the row whose hash is `hash`, if any: only asked once, on a broken link, so a
// scan of the table is fine there.
std::optional<int64_t> seq_with_hash(SQLite::Database& db, std::string_view hash) {
  SQLite::Statement query(db, "SELECT seq FROM events WHERE hash = ? LIMIT 1");
  query.bind(1, std::string(hash));
  if (!query.executeStep()) return std::nullopt;
  return query.getColumn(0).getInt64();
}

AuditVerify broken(AuditVerify walked, ChainBreak kind, int64_t seq, std::string detail) {
  walked.kind = kind;
  walked.broken_seq = seq;
  walked.detail = std::move(detail);
  return walked;
}

// A row whose prev_hash is not its predecessor's hash: moved (it links to another row) or
// rewritten (it links to nothing in the trail).
AuditVerify broken_link(SQLite::Database& db, const AuditVerify& walked, int64_t seq,
                        std::string_view prev_hash, std::string_view expected) {
  const std::string should_be =
      seq == 1 ? std::string("the genesis value (64 zeros)")
               : fmt::format("seq {}'s hash {}", seq - 1, short_hash(expected));
  if (auto other = seq_with_hash(db, prev_hash); other && *other != seq - 1) {
    return broken(walked, ChainBreak::out_of_order, seq,
                  fmt::format("its prev_hash is seq {}'s hash, not {}: rows were moved or swapped",
                              *other, should_be));
  }
  return broken(walked, ChainBreak::edited, seq,
                fmt::format("its prev_hash {} is not {}: this row's prev_hash, or the row before "
                            "it together with its hash, was rewritten",
                            short_hash(prev_hash), should_be));
}

// After the walk: audit_head must name the last row and its hash.
AuditVerify check_head(SQLite::Database& db, const AuditVerify& walked) {
  auto head = detail::read_head(db);
  const int64_t last = walked.last_seq;
  if (!head) {
    return broken(walked, ChainBreak::truncated, last + 1,
                  "the audit_head row is gone, so rows deleted from the end cannot be ruled out");
  }
  if (head->last_seq > last) {
    return broken(
        walked, ChainBreak::truncated, last + 1,
        last == 0 ? fmt::format("audit_head records seq {}, but the trail is empty", head->last_seq)
                  : fmt::format("audit_head records seq {}, but the trail ends at seq "
                                "{}: the last {} rows were deleted",
                                head->last_seq, last, head->last_seq - last));
  }
  if (head->last_seq < last) {
    return broken(walked, ChainBreak::edited, head->last_seq + 1,
                  fmt::format("audit_head records seq {}, but the trail goes on to seq {}: rows "
                              "were added outside factory",
                              head->last_seq, last));
  }
  if (head->digest != walked.digest) {
    return broken(walked, ChainBreak::truncated, last + 1,
                  fmt::format("audit_head's digest {} is not seq {}'s hash {}: rows after seq {} "
                              "were deleted and audit_head rewritten",
                              short_hash(head->digest), last, short_hash(walked.digest), last));
  }
  return walked;
}

}  // namespace

AuditVerify Store::verify_chain() const {
  detail::ReadSnapshot snapshot(*m_db, m_tx_depth);
  // Raw sqlite3 rather than read_event: text is hashed in place, a million rows uncopied.
  const std::string sql = std::string(detail::k_event_select) + " ORDER BY seq";
  auto stmt = prepare(*m_db, sql.c_str());
  EventHasher hasher;
  AuditVerify walked;
  walked.digest = std::string(k_genesis_hash);
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    sqlite3_stmt* row = stmt.get();
    const int64_t seq = sqlite3_column_int64(row, 0);
    const int64_t expected = walked.last_seq + 1;
    if (seq > expected) {
      return broken(walked, ChainBreak::missing, expected,
                    seq == expected + 1
                        ? fmt::format("seq {} is gone ({})", expected, jump(walked.last_seq, seq))
                        : fmt::format("seqs {} to {} are gone ({})", expected, seq - 1,
                                      jump(walked.last_seq, seq)));
    }
    if (seq < expected) {
      return broken(
          walked, ChainBreak::edited, seq,
          fmt::format("seq {} where seq {} was expected: seqs were renumbered", seq, expected));
    }
    if (auto mistyped = mistyped_column(row)) {
      return broken(walked, ChainBreak::edited, seq,
                    fmt::format("seq {}: {}: the row was edited", seq, *mistyped));
    }
    EventFields fields;
    fields.prev_hash = text_at(row, 7);
    fields.seq = seq;
    fields.ts = sqlite3_column_int64(row, 1);
    fields.task = text_at(row, 2);
    if (sqlite3_column_type(row, 3) != SQLITE_NULL) fields.run_id = sqlite3_column_int64(row, 3);
    fields.actor = text_at(row, 4);
    fields.action = text_at(row, 5);
    fields.payload = text_at(row, 6);
    const std::string_view stored = text_at(row, 8);
    if (fields.prev_hash != walked.digest) {
      return broken_link(*m_db, walked, seq, fields.prev_hash, walked.digest);
    }
    if (hasher.hash(fields) != stored) {
      return broken(walked, ChainBreak::edited, seq,
                    fmt::format("seq {}'s columns no longer match its hash {}: a column or "
                                "the hash was changed",
                                seq, short_hash(stored)));
    }
    walked.last_seq = seq;
    walked.digest.assign(stored);
    ++walked.events;
  }
  if (rc != SQLITE_DONE) {
    throw std::runtime_error(
        fmt::format("cannot read the audit trail: {}", sqlite3_errmsg(m_db->getHandle())));
  }
  return check_head(*m_db, walked);
}

}  // namespace factory::store
