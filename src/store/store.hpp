#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/stage.hpp"
#include "core/task_status.hpp"
#include "extract/finding.hpp"
#include "store/audit.hpp"

namespace SQLite {
class Database;
}

namespace factory::store {

namespace fs = std::filesystem;

// A task as stored.
struct TaskRow {
  std::string id;
  std::string lang;
  core::TaskStatus status = core::TaskStatus::created;
  std::string workspace;                    // absolute path of the task workspace
  std::string branch;                       // factory/<id>
  std::string base_commit;                  // where the task started
  std::string backend;                      // git | jj
  bool tdd = true;                          // false when created with --no-tdd
  int64_t created_at = 0;                   // ms since epoch
  std::optional<int64_t> red_confirmed_at;  // when tdd-setup saw red
};

// One `factory run` or `factory stage` invocation.
struct RunRow {
  int64_t id = 0;
  std::string task;
  int number = 0;             // per task, 1-based: run-<number> in log paths
  std::string status;         // running | passed | failed | interrupted
  std::string range;          // "tdd-setup..accept"
  std::string vcs_operation;  // jj op id, if any
  int64_t started_at = 0;
  int64_t ended_at = 0;
};

// The result of one stage in one run.
struct StageResultRow {
  int64_t run_id = 0;
  std::string task;
  core::Stage stage = core::Stage::tdd_setup;
  core::Outcome outcome = core::Outcome::passed;
  int exit_code = 0;
  int64_t duration_ms = 0;
  std::string log_path;
  std::string tree_id;    // the workspace contents it ran on
  std::string commit_id;  // the commit made after it, if any
  std::string detail;     // one line: skip reason, failure summary
  int64_t at = 0;
  // A red stage's findings, most relevant first; only the first k_stored_findings are kept.
  std::vector<extract::Finding> findings;
};

// How many findings a stage result keeps: enough for a dashboard, bounded for any log.
inline constexpr size_t k_stored_findings = 20;

// One line of the append-only audit trail.
struct EventRow {
  int64_t seq = 0;
  int64_t ts = 0;
  std::string task;
  std::optional<int64_t> run_id;
  std::string actor;
  std::string action;
  std::string payload;    // JSON object
  std::string prev_hash;  // the previous event's hash; k_genesis_hash for seq 1
  std::string hash;       // hex SHA-256 of prev_hash and the other columns (docs/AUDIT.md)
};

// How an incident's test requirement was used (table incident_uses).
enum class IncidentUse {
  applied,  // `factory new` put the requirement into a task's contract
  caught,   // the required test was missing or failing in one of that task's runs
};

// An incident and the test requirement it left (`factory incident add`).
struct IncidentRow {
  int64_t id = 0;
  std::string task;                // the task the incident was found in
  std::string root_cause;          // one line: what went wrong
  std::string test_id;             // the test that must exist and pass from now on
  std::vector<std::string> paths;  // globs the requirement applies to; empty = every task
  std::string actor;
  int64_t created_at = 0;  // ms since epoch
  int applied = 0;         // list_incidents: distinct tasks whose contract got the requirement
  int caught = 0;          // list_incidents: runs in which the test was missing or failing
};

// Where a task's rollout is (table rollouts). `percentage` is what the flag file holds for the
// flag; `target` is set while a new percentage is being written, so a crash in between is seen.
struct RolloutRow {
  std::string task;
  std::string flag;
  std::string strategy;   // canary | gradual | manual
  std::string plan_json;  // the steps as deployed (JSON array), so an edit cannot change them
  int step = -1;          // index of the current step in the plan; -1 before the first
  int percentage = 0;
  std::optional<int> target;
  std::string state;  // monitoring | waiting_decision | waiting_manual | interrupted | complete |
                      // rolled_back
  int64_t step_started_at = 0;   // ms since epoch, when the current percentage went live
  std::string flag_fingerprint;  // the flag's JSON as factory last wrote it
  int64_t pid = 0;               // the process watching it, 0 when none
  std::string commit_id;         // the integration commit on the base branch
  std::string note;              // why it is in this state (a rollback reason, a wait)
  int64_t updated_at = 0;
};

// One probe reading during a rollout step (table rollout_probes).
struct ProbeRow {
  std::string task;
  int step = 0;
  int rule = 0;  // index of the rule in the step's rules
  int64_t at = 0;
  bool ok = false;
  std::optional<double> value;
  bool fired = false;
  std::string output;  // the probe's output (tail)
  std::string error;   // why it was not ok
};

// The SQLite state at .factory/state.db: WAL, schema migrated through PRAGMA user_version.
// Every state change also appends an event. One thread at a time (the connection is NOMUTEX).
class Store {
 public:
  // Opens (creating and migrating as needed). ":memory:" works for tests.
  Store(const fs::path& db_path, const core::Clock& clock);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The schema version this build writes.
  static int schema_version();
  int user_version() const;

  // Inserts a new task with status created and a `created` event. Throws a usage Error when
  // the id already exists.
  void create_task(const TaskRow& task, const std::string& actor);
  std::optional<TaskRow> find_task(const std::string& id) const;
  std::vector<TaskRow> list_tasks() const;
  // Removes a task row and its runs/results, keeping its events: only for rolling back a
  // half-created task.
  void delete_task(const std::string& id, const std::string& actor);

  // Moves a task to `to` after core::check_transition, writing a `status` event with the
  // actor and reason. A move to the same status writes nothing.
  void set_status(const std::string& id, core::TaskStatus to, const std::string& actor,
                  const std::string& reason, std::optional<int64_t> run_id = std::nullopt);

  void set_red_confirmed(const std::string& id, int64_t at, const std::string& actor);

  // Starts a run (status running) and returns it with its per-task number.
  RunRow begin_run(const std::string& task, const std::string& range, const std::string& actor);
  // Ends a run: passed, failed, blocked (outside the contract) or interrupted.
  void end_run(int64_t run_id, const std::string& status, const std::string& vcs_operation);
  std::optional<RunRow> last_run(const std::string& task) const;

  void record_stage(const StageResultRow& result);
  std::vector<StageResultRow> stage_results(int64_t run_id) const;
  // The most recent result of each stage for the task, in pipeline order.
  std::vector<StageResultRow> latest_results(const std::string& task) const;
  // Whether the stage has a passed (or skipped) result on exactly this tree.
  std::optional<StageResultRow> green_on_tree(const std::string& task, core::Stage stage,
                                              const std::string& tree_id) const;

  // Appends an event chained to audit_head (in a write transaction, so concurrent processes
  // never fork the chain) and returns its seq; a decision event (is_decision_event) is on disk
  // when the outermost transaction returns. Blocked Error when audit_head is gone.
  int64_t append_event(const std::string& task, std::optional<int64_t> run_id,
                       const std::string& actor, const std::string& action,
                       const std::string& payload_json = "{}");
  // The task's events in seq order, those at or after `since_ms` when given (index task, seq).
  std::vector<EventRow> events(const std::string& task,
                               std::optional<int64_t> since_ms = std::nullopt) const;
  // Streams the whole trail in seq order, one row at a time, inside one read snapshot; `fn`
  // must not write to the store.
  void for_each_event(const std::function<void(const EventRow&)>& fn) const;
  // Re-walks the chain from seq 1 and checks audit_head; the first broken link, if any.
  AuditVerify verify_chain() const;

  // Keeps a coverage stage's analysis (JSON) for the tree it ran on.
  void put_coverage(int64_t run_id, const std::string& task, const std::string& tree_id,
                    const std::string& analysis_json);
  // The latest coverage analysis on exactly this tree, if any.
  std::optional<std::string> coverage_on_tree(const std::string& task,
                                              const std::string& tree_id) const;
  // Keeps the readiness metrics (JSON) measured for a tree; a re-measure replaces them.
  void put_readiness(const std::string& task, const std::string& tree_id,
                     const std::string& metrics_json);
  // The metrics measured on exactly this tree, if any.
  std::optional<std::string> readiness_on_tree(const std::string& task,
                                               const std::string& tree_id) const;
  // The most recently measured metrics of the task: (tree id, JSON).
  std::optional<std::pair<std::string, std::string>> latest_readiness(
      const std::string& task) const;

  // Records an incident found in an existing task, with an `incident_added` event on that task;
  // returns its id. Usage Error for an unknown task, an empty root cause or test id.
  int64_t add_incident(const IncidentRow& incident);
  // Every incident, oldest first, with its applied and caught counts.
  std::vector<IncidentRow> list_incidents() const;
  // Records one use of an incident's requirement in `task` (and an `incident_applied` or
  // `incident_caught` event there); `note` says what was caught ("missing", "failed").
  void record_incident_use(int64_t incident_id, const std::string& task, IncidentUse kind,
                           std::optional<int64_t> run_id, const std::string& actor,
                           const std::string& note = "");

  // Inserts or replaces the task's rollout row (updated_at is set here).
  void put_rollout(const RolloutRow& rollout);
  std::optional<RolloutRow> find_rollout(const std::string& task) const;
  // Every rollout, most recently updated first.
  std::vector<RolloutRow> list_rollouts() const;
  void record_probe(const ProbeRow& probe);
  // Forgets the task's probe readings: a new rollout of it starts counting afresh.
  void clear_probes(const std::string& task);
  // The readings of one step, oldest first.
  std::vector<ProbeRow> probes(const std::string& task, int step) const;

  // Runs `fn` in one transaction.
  template <typename Fn>
  void transaction(Fn&& fn);

 private:
  void begin();
  void commit();
  void rollback();

  std::unique_ptr<SQLite::Database> m_db;
  const core::Clock& m_clock;
  int m_tx_depth = 0;  // nested transaction() calls become savepoints inside the outermost
  // A decision event was appended: the outermost commit syncs the WAL (detail::sync_wal).
  bool m_sync_pending = false;
};

template <typename Fn>
void Store::transaction(Fn&& fn) {
  begin();
  try {
    fn();
  } catch (...) {
    rollback();
    throw;
  }
  commit();
}

}  // namespace factory::store
