#include "store/audit.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "store/audit_chain.hpp"
#include "store/store.hpp"

namespace factory::store {

namespace {

// Recreated after the v3 backfill exactly as schema v1 made it.
constexpr const char* k_no_update_trigger =
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;";

void put_u64(uint64_t value, std::string& out) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(value >> (56 - 8 * i));
  out.append(bytes, sizeof bytes);
}

void put_int(int64_t value, std::string& out) {
  put_u64(static_cast<uint64_t>(value), out);
}

void put_text(std::string_view text, std::string& out) {
  put_u64(text.size(), out);
  out.append(text);
}

bool is_decision_status(std::string_view name) {
  for (auto decision : k_decision_actions) {
    if (name == decision) return true;
  }
  return false;
}

}  // namespace

bool is_decision_event(std::string_view action, std::string_view payload_json) {
  if (action != "status") return is_decision_status(action);
  auto payload = nlohmann::json::parse(payload_json, nullptr, false);
  if (!payload.is_object()) return false;
  auto to = payload.find("to");
  return to != payload.end() && to->is_string() && is_decision_status(to->get<std::string>());
}

EventFields fields_of(const EventRow& row) {
  return EventFields{row.prev_hash, row.seq,   row.ts,     row.task,
                     row.run_id,    row.actor, row.action, row.payload};
}

void encode_event(const EventFields& fields, std::string& out) {
  put_text(fields.prev_hash, out);
  put_int(fields.seq, out);
  put_int(fields.ts, out);
  put_text(fields.task, out);
  if (fields.run_id) {
    out.push_back('\x01');
    put_int(*fields.run_id, out);
  } else {
    out.push_back('\x00');
  }
  put_text(fields.actor, out);
  put_text(fields.action, out);
  put_text(fields.payload, out);
}

struct EventHasher::Impl {
  EVP_MD* md = nullptr;  // fetched once: a fetch per row would cost more than the digest
  EVP_MD_CTX* ctx = nullptr;
  std::string buffer;
  std::string hex = std::string(64, '0');
};

EventHasher::EventHasher() : m_impl(std::make_unique<Impl>()) {
  m_impl->md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  m_impl->ctx = EVP_MD_CTX_new();
  if (!m_impl->md || !m_impl->ctx) {
    EVP_MD_free(m_impl->md);
    EVP_MD_CTX_free(m_impl->ctx);
    throw std::runtime_error("libcrypto has no SHA-256");
  }
}

EventHasher::~EventHasher() {
  EVP_MD_CTX_free(m_impl->ctx);
  EVP_MD_free(m_impl->md);
}

const std::string& EventHasher::hash(const EventFields& fields) {
  m_impl->buffer.clear();
  encode_event(fields, m_impl->buffer);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestInit_ex(m_impl->ctx, m_impl->md, nullptr) != 1 ||
      EVP_DigestUpdate(m_impl->ctx, m_impl->buffer.data(), m_impl->buffer.size()) != 1 ||
      EVP_DigestFinal_ex(m_impl->ctx, digest, &size) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string& hex = m_impl->hex;
  hex.resize(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex[2 * i] = k_hex[digest[i] >> 4];
    hex[2 * i + 1] = k_hex[digest[i] & 0xf];
  }
  return hex;
}

std::string event_hash(const EventRow& row) {
  EventHasher hasher;
  return hasher.hash(fields_of(row));
}

std::string_view chain_break_name(ChainBreak kind) {
  switch (kind) {
    case ChainBreak::none:
      return "intact";
    case ChainBreak::edited:
      return "edited";
    case ChainBreak::missing:
      return "missing";
    case ChainBreak::out_of_order:
      return "out of order";
    case ChainBreak::truncated:
      return "truncated";
  }
  return "unknown";
}

namespace detail {

std::optional<AuditHead> read_head(SQLite::Database& db) {
  SQLite::Statement query(db, "SELECT last_seq, last_digest FROM audit_head WHERE id = 1");
  if (!query.executeStep()) return std::nullopt;
  return AuditHead{query.getColumn(0).getInt64(), query.getColumn(1).getString()};
}

void write_head(SQLite::Database& db, const AuditHead& head) {
  SQLite::Statement upsert(db,
                           "INSERT INTO audit_head(id, last_seq, last_digest) VALUES(1, ?, ?) "
                           "ON CONFLICT(id) DO UPDATE SET last_seq = excluded.last_seq, "
                           "last_digest = excluded.last_digest");
  upsert.bind(1, static_cast<int64_t>(head.last_seq));
  upsert.bind(2, head.digest);
  upsert.exec();
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
  row.prev_hash = query.getColumn(7).getString();
  row.hash = query.getColumn(8).getString();
  return row;
}

void chain_existing_events(SQLite::Database& db) {
  // Hashes first, writes after: rows are not updated under a running SELECT of their table.
  std::vector<std::pair<int64_t, std::string>> chained;
  AuditHead head{0, std::string(k_genesis_hash)};
  {
    SQLite::Statement query(db, std::string(k_event_select) + " ORDER BY seq");
    EventHasher hasher;
    while (query.executeStep()) {
      EventRow row = read_event(query);
      row.prev_hash = head.digest;
      head = {row.seq, hasher.hash(fields_of(row))};
      chained.emplace_back(row.seq, head.digest);
    }
  }
  db.exec("DROP TRIGGER IF EXISTS events_no_update");  // a hand edit may have dropped it
  SQLite::Statement update(db, "UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?");
  std::string prev(k_genesis_hash);
  for (const auto& [seq, hash] : chained) {
    update.bind(1, prev);
    update.bind(2, hash);
    update.bind(3, static_cast<int64_t>(seq));
    update.exec();
    update.reset();
    prev = hash;
  }
  db.exec(k_no_update_trigger);
  write_head(db, head);
}

ReadSnapshot::ReadSnapshot(SQLite::Database& db, int tx_depth) {
  if (tx_depth > 0) return;
  db.exec("BEGIN");
  m_db = &db;
}

ReadSnapshot::~ReadSnapshot() {
  if (m_db) m_db->tryExec("COMMIT");
}

void sync_wal(SQLite::Database& db) {
  sqlite3_file* wal = nullptr;
  if (sqlite3_file_control(db.getHandle(), "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) !=
          SQLITE_OK ||
      wal == nullptr || wal->pMethods == nullptr) {
    return;  // no WAL open (":memory:"): nothing to flush
  }
  int rc = wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
  if (rc != SQLITE_OK) {
    throw std::runtime_error(
        fmt::format("cannot sync state.db's WAL to disk (SQLite error {})", rc));
  }
}

}  // namespace detail

}  // namespace factory::store
