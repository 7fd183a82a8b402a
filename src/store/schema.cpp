#include "store/schema.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "core/error.hpp"
#include "store/audit_chain.hpp"

namespace factory::store {

namespace {

// Version 1: tasks, runs, stage results and the append-only audit trail.
constexpr const char* k_v1 = R"sql(
CREATE TABLE tasks(
  id TEXT PRIMARY KEY,
  lang TEXT NOT NULL,
  status TEXT NOT NULL,
  workspace TEXT NOT NULL,
  branch TEXT NOT NULL,
  base_commit TEXT NOT NULL,
  backend TEXT NOT NULL,
  tdd INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  red_confirmed_at INTEGER NULL
);
CREATE TABLE runs(
  id INTEGER PRIMARY KEY,
  task TEXT NOT NULL REFERENCES tasks(id),
  number INTEGER NOT NULL,
  status TEXT NOT NULL,
  "range" TEXT NOT NULL,
  vcs_operation TEXT NOT NULL DEFAULT '',
  started_at INTEGER NOT NULL,
  ended_at INTEGER NOT NULL DEFAULT 0,
  UNIQUE(task, number)
);
CREATE TABLE stage_results(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  task TEXT NOT NULL REFERENCES tasks(id),
  stage TEXT NOT NULL,
  outcome TEXT NOT NULL,
  exit_code INTEGER NOT NULL,
  duration_ms INTEGER NOT NULL,
  log_path TEXT NOT NULL,
  tree_id TEXT NOT NULL,
  commit_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX stage_results_by_run ON stage_results(run_id, id);
CREATE INDEX stage_results_by_stage ON stage_results(task, stage, id);
CREATE INDEX stage_results_by_tree ON stage_results(task, stage, tree_id, id);
CREATE TABLE events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  ts INTEGER NOT NULL,
  task TEXT NOT NULL,
  run_id INTEGER NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_by_task ON events(task, seq);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
)sql";

// Version 2: the findings the extractor read from a red stage's log, as a JSON array of
// extract::to_json objects.
constexpr const char* k_v2 = R"sql(
ALTER TABLE stage_results ADD COLUMN findings TEXT NOT NULL DEFAULT '[]';
)sql";

// Version 3: the audit chain, incidents, coverage analyses and readiness metrics.
// Every event carries prev_hash and hash (docs/AUDIT.md); audit_head keeps the last seq and
// digest outside the events table so a truncated trail is caught, and is never deleted (its one
// row is moved by each append). No other table has a column named hash. The code step
// (chain_existing_events) chains the events written before this version. events_by_run serves
// the lookups of a run's events (its actor, its stages), which would otherwise scan the trail.
constexpr const char* k_v3 = R"sql(
ALTER TABLE events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE INDEX events_by_run ON events(run_id, seq);
CREATE TABLE audit_head(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq INTEGER NOT NULL,
  last_digest TEXT NOT NULL
);
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'audit_head is the audit trail''s head and is never deleted'); END;
CREATE TABLE incidents(
  id INTEGER PRIMARY KEY,
  task TEXT NOT NULL,
  root_cause TEXT NOT NULL,
  test_id TEXT NOT NULL,
  paths TEXT NOT NULL DEFAULT '[]',
  actor TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE incident_uses(
  incident_id INTEGER NOT NULL REFERENCES incidents(id),
  task TEXT NOT NULL,
  kind TEXT NOT NULL,
  run_id INTEGER NULL,
  at INTEGER NOT NULL
);
CREATE INDEX incident_uses_by_incident ON incident_uses(incident_id, kind);
CREATE TABLE coverage_results(
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  task TEXT NOT NULL REFERENCES tasks(id),
  tree_id TEXT NOT NULL,
  analysis TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX coverage_results_by_tree ON coverage_results(task, tree_id, id);
CREATE TABLE readiness(
  task TEXT NOT NULL REFERENCES tasks(id),
  tree_id TEXT NOT NULL,
  metrics TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY(task, tree_id)
);
)sql";

// Version 4: INSERT OR REPLACE deletes the row it replaces without firing the delete trigger
// (recursive triggers are off), so an insert onto a taken seq is refused before it happens.
constexpr const char* k_v4 = R"sql(
CREATE TRIGGER events_no_replace BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
)sql";

// Version 5: rollouts. One row per deployed task holds where its rollout is (the flag file is
// written only after `target` is on disk, so a crash between the two is visible); probe readings
// are kept per step for the decision prompts and `rollout status`.
constexpr const char* k_v5 = R"sql(
CREATE TABLE rollouts(
  task TEXT PRIMARY KEY REFERENCES tasks(id),
  flag TEXT NOT NULL,
  strategy TEXT NOT NULL,
  plan TEXT NOT NULL,
  step INTEGER NOT NULL,
  percentage INTEGER NOT NULL,
  target INTEGER NULL,
  state TEXT NOT NULL,
  step_started_at INTEGER NOT NULL,
  flag_fingerprint TEXT NOT NULL,
  pid INTEGER NOT NULL,
  commit_id TEXT NOT NULL,
  note TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE rollout_probes(
  id INTEGER PRIMARY KEY,
  task TEXT NOT NULL REFERENCES tasks(id),
  step INTEGER NOT NULL,
  rule INTEGER NOT NULL,
  at INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  value REAL NULL,
  fired INTEGER NOT NULL,
  output TEXT NOT NULL,
  error TEXT NOT NULL
);
CREATE INDEX rollout_probes_by_step ON rollout_probes(task, step, id);
)sql";

// Code that runs after a step's SQL, in the same transaction: what SQL alone cannot do.
using MigrationCode = void (*)(SQLite::Database&);

// Per step, like migrations(): nullptr for the steps that are SQL only.
MigrationCode code_of(int step) {
  static const std::vector<MigrationCode> k_code = {nullptr, nullptr,
                                                    &detail::chain_existing_events};
  return step < static_cast<int>(k_code.size()) ? k_code[step] : nullptr;
}

int read_user_version(SQLite::Database& db) {
  return db.execAndGet("PRAGMA user_version").getInt();
}

// Applies one step unless another process got there first (the check runs under the write lock).
void apply_step(SQLite::Database& db, int step, const std::string& sql) {
  db.exec("BEGIN IMMEDIATE");
  try {
    if (read_user_version(db) == step) {
      db.exec(sql);
      if (auto code = code_of(step)) code(db);
      db.exec(fmt::format("PRAGMA user_version = {}", step + 1));
    }
    db.exec("COMMIT");
  } catch (...) {
    db.tryExec("ROLLBACK");
    throw;
  }
}

}  // namespace

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> k_steps = {k_v1, k_v2, k_v3, k_v4, k_v5};
  return k_steps;
}

void refuse_newer_schema(SQLite::Database& db) {
  const int known = static_cast<int>(migrations().size());
  const int found = read_user_version(db);
  if (found > known) {
    throw core::Error(
        core::ExitCode::usage,
        fmt::format("state.db schema version {} is newer than this factory understands ({})", found,
                    known),
        "a newer factory wrote it: upgrade factory (the file was left untouched)");
  }
}

void migrate(SQLite::Database& db) {
  refuse_newer_schema(db);
  const auto& steps = migrations();
  const int known = static_cast<int>(steps.size());
  const int found = read_user_version(db);
  for (int step = found; step < known; ++step) apply_step(db, step, steps[step]);
}

}  // namespace factory::store
