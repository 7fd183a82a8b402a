#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "store/detail.hpp"
#include "store/store.hpp"

namespace factory::store {

namespace {

constexpr const char* k_task_select =
    "SELECT id, lang, status, workspace, branch, base_commit, backend, tdd, created_at, "
    "red_confirmed_at FROM tasks";

core::TaskStatus stored_status(const std::string& name) {
  if (auto status = core::parse_status(name)) return *status;
  throw std::runtime_error(fmt::format("state.db holds an unknown task status '{}'", name));
}

TaskRow read_task(SQLite::Statement& query) {
  TaskRow row;
  row.id = query.getColumn(0).getString();
  row.lang = query.getColumn(1).getString();
  row.status = stored_status(query.getColumn(2).getString());
  row.workspace = query.getColumn(3).getString();
  row.branch = query.getColumn(4).getString();
  row.base_commit = query.getColumn(5).getString();
  row.backend = query.getColumn(6).getString();
  row.tdd = query.getColumn(7).getInt() != 0;
  row.created_at = query.getColumn(8).getInt64();
  if (!query.getColumn(9).isNull()) row.red_confirmed_at = query.getColumn(9).getInt64();
  return row;
}

core::Error already_exists(const TaskRow& existing) {
  // An abandoned task keeps its id with its history, so abandoning again would not free it.
  std::string hint =
      existing.status == core::TaskStatus::abandoned
          ? fmt::format("pick another id ('{}' was abandoned; its history keeps the id)",
                        existing.id)
          : fmt::format("pick another id, or 'factory abandon {}' first", existing.id);
  return core::Error(core::ExitCode::usage, fmt::format("task '{}' already exists", existing.id),
                     std::move(hint));
}

}  // namespace

namespace detail {
core::Error no_such_task(const std::string& id) {
  return core::Error(core::ExitCode::usage, fmt::format("no task '{}'", id),
                     "see 'factory list' for the tasks of this repository");
}
}  // namespace detail

void Store::create_task(const TaskRow& task, const std::string& actor) {
  transaction([&] {
    if (auto existing = find_task(task.id)) throw already_exists(*existing);
    SQLite::Statement insert(*m_db,
                             "INSERT INTO tasks(id, lang, status, workspace, branch, base_commit, "
                             "backend, tdd, created_at, red_confirmed_at) "
                             "VALUES(?,?,?,?,?,?,?,?,?,NULL)");
    insert.bind(1, task.id);
    insert.bind(2, task.lang);
    insert.bind(3, std::string(core::status_name(core::TaskStatus::created)));
    insert.bind(4, task.workspace);
    insert.bind(5, task.branch);
    insert.bind(6, task.base_commit);
    insert.bind(7, task.backend);
    insert.bind(8, task.tdd ? 1 : 0);
    insert.bind(9, static_cast<int64_t>(detail::pinned_or(task.created_at, m_clock.now_ms())));
    insert.exec();
    nlohmann::json payload = {{"lang", task.lang},       {"workspace", task.workspace},
                              {"branch", task.branch},   {"base", task.base_commit},
                              {"backend", task.backend}, {"tdd", task.tdd}};
    append_event(task.id, std::nullopt, actor, "created", core::json_text(payload));
  });
}

std::optional<TaskRow> Store::find_task(const std::string& id) const {
  SQLite::Statement query(*m_db, std::string(k_task_select) + " WHERE id = ?");
  query.bind(1, id);
  if (!query.executeStep()) return std::nullopt;
  return read_task(query);
}

std::vector<TaskRow> Store::list_tasks() const {
  SQLite::Statement query(*m_db, std::string(k_task_select) + " ORDER BY created_at, rowid");
  std::vector<TaskRow> rows;
  while (query.executeStep()) rows.push_back(read_task(query));
  return rows;
}

void Store::delete_task(const std::string& id, const std::string& actor) {
  transaction([&] {
    for (const char* sql :
         {"DELETE FROM stage_results WHERE task = ?", "DELETE FROM runs WHERE task = ?"}) {
      SQLite::Statement erase(*m_db, sql);
      erase.bind(1, id);
      erase.exec();
    }
    SQLite::Statement erase(*m_db, "DELETE FROM tasks WHERE id = ?");
    erase.bind(1, id);
    // The audit trail is append-only: the rollback is recorded rather than the history erased.
    if (erase.exec() > 0) append_event(id, std::nullopt, actor, "rolled_back_creation");
  });
}

void Store::set_status(const std::string& id, core::TaskStatus to, const std::string& actor,
                       const std::string& reason, std::optional<int64_t> run_id) {
  transaction([&] {
    auto task = find_task(id);
    if (!task) throw detail::no_such_task(id);
    if (task->status == to) return;
    core::check_transition(task->status, to);
    SQLite::Statement update(*m_db, "UPDATE tasks SET status = ? WHERE id = ?");
    update.bind(1, std::string(core::status_name(to)));
    update.bind(2, id);
    update.exec();
    nlohmann::json payload = {{"from", std::string(core::status_name(task->status))},
                              {"to", std::string(core::status_name(to))},
                              {"reason", reason}};
    append_event(id, run_id, actor, "status", core::json_text(payload));
  });
}

void Store::set_red_confirmed(const std::string& id, int64_t at, const std::string& actor) {
  transaction([&] {
    SQLite::Statement update(*m_db, "UPDATE tasks SET red_confirmed_at = ? WHERE id = ?");
    update.bind(1, static_cast<int64_t>(at));
    update.bind(2, id);
    if (update.exec() == 0) throw detail::no_such_task(id);
    append_event(id, std::nullopt, actor, "tdd_red_confirmed",
                 core::json_text(nlohmann::json{{"at", at}}));
  });
}

}  // namespace factory::store
