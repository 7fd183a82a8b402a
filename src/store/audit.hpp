#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

// The audit chain (docs/AUDIT.md): every event carries hash = hex SHA-256(prev_hash ‖ canonical
// encoding of its other columns), and audit_head keeps the last seq and digest outside the events
// table. Tamper-evident, not tamper-proof: whoever can write state.db can rebuild the chain, but
// cannot change or drop a row without `factory audit verify` naming it.
namespace factory::store {

struct EventRow;

// The prev_hash of the first event: 64 zeros.
inline constexpr std::string_view k_genesis_hash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The statuses whose moves are decisions a person made or a deployment did; their events (and
// the `status` events moving a task to them) are synced to disk before the append returns.
inline constexpr std::array<std::string_view, 5> k_decision_actions = {
    "approved", "rejected", "abandoned", "deployed", "rolled_back"};

// Whether an event is a decision (k_decision_actions, or a `status` event whose payload "to" is
// one of them): the one place that says which appends are synchronous=FULL.
bool is_decision_event(std::string_view action, std::string_view payload_json);

// The columns the hash covers, as views (no copies on verify's hot path).
struct EventFields {
  std::string_view prev_hash;
  int64_t seq = 0;
  int64_t ts = 0;
  std::string_view task;
  std::optional<int64_t> run_id;  // NULL is encoded apart from 0
  std::string_view actor;
  std::string_view action;
  std::string_view payload;
};

// The row's columns other than hash.
EventFields fields_of(const EventRow& row);

// The canonical encoding hashed: prev_hash then seq, ts, task, run_id, actor, action, payload;
// strings as an 8-byte big-endian byte length and the UTF-8 bytes, integers as 8-byte big-endian
// two's complement, run_id as a 0x00 byte (NULL) or 0x01 and the integer.
void encode_event(const EventFields& fields, std::string& out);

// Computes event hashes with one reusable libcrypto context: for walking a million rows.
class EventHasher {
 public:
  EventHasher();
  ~EventHasher();
  EventHasher(const EventHasher&) = delete;
  EventHasher& operator=(const EventHasher&) = delete;

  // Lowercase hex SHA-256 of encode_event(fields); the reference is valid until the next call
  // (no allocation per row).
  const std::string& hash(const EventFields& fields);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// One-off hash of a row's columns (row.hash itself is ignored).
std::string event_hash(const EventRow& row);

// What `verify_chain` found wrong, in the words `factory audit verify` prints.
enum class ChainBreak {
  none,
  edited,        // a row's content no longer matches its hash, or a hash column changed
  missing,       // a seq is absent: a row was deleted
  out_of_order,  // a row links to the hash of a row other than its predecessor
  truncated,     // rows after the last present one are gone (audit_head says more)
};

// "edited", "missing", "out of order", "truncated" ("intact" for none).
std::string_view chain_break_name(ChainBreak kind);

// The result of walking the chain from seq 1.
struct AuditVerify {
  ChainBreak kind = ChainBreak::none;
  int64_t events = 0;      // rows walked: all of them when intact
  int64_t last_seq = 0;    // the last seq walked
  std::string digest;      // the last hash walked (the head's digest when intact)
  int64_t broken_seq = 0;  // the first broken link's seq (0 when intact)
  std::string detail;      // one line: what differs

  bool intact() const { return kind == ChainBreak::none; }
};

}  // namespace factory::store
