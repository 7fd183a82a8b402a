#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json_text.hpp"
#include "store/detail.hpp"
#include "store/store.hpp"

// Incidents and their test requirements (docs/INCIDENTS.md). An incident row never changes; what
// happens to its requirement later is a row in incident_uses, so the counts `incident list` shows
// are computed, never kept.
namespace factory::store {

namespace {

constexpr const char* k_incident_select = R"sql(
SELECT i.id, i.task, i.root_cause, i.test_id, i.paths, i.actor, i.created_at,
  (SELECT COUNT(DISTINCT u.task) FROM incident_uses u
     WHERE u.incident_id = i.id AND u.kind = 'applied'),
  (SELECT COUNT(*) FROM incident_uses u WHERE u.incident_id = i.id AND u.kind = 'caught')
FROM incidents i ORDER BY i.id
)sql";

std::string_view use_name(IncidentUse kind) {
  return kind == IncidentUse::applied ? "applied" : "caught";
}

// The stored paths column: a JSON array of strings (anything else reads as no paths).
std::vector<std::string> read_paths(const std::string& text) {
  std::vector<std::string> paths;
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_array()) return paths;
  for (const auto& item : json) {
    if (item.is_string()) paths.push_back(item.get<std::string>());
  }
  return paths;
}

IncidentRow read_incident(SQLite::Statement& query) {
  IncidentRow row;
  row.id = query.getColumn(0).getInt64();
  row.task = query.getColumn(1).getString();
  row.root_cause = query.getColumn(2).getString();
  row.test_id = query.getColumn(3).getString();
  row.paths = read_paths(query.getColumn(4).getString());
  row.actor = query.getColumn(5).getString();
  row.created_at = query.getColumn(6).getInt64();
  row.applied = query.getColumn(7).getInt();
  row.caught = query.getColumn(8).getInt();
  return row;
}

void require_text(const std::string& value, std::string_view what, std::string_view option) {
  if (value.find_first_not_of(" \t\r\n") != std::string::npos) return;
  throw core::Error(core::ExitCode::usage, fmt::format("the incident's {} is empty", what),
                    fmt::format("give {} a value", option));
}

}  // namespace

int64_t Store::add_incident(const IncidentRow& incident) {
  require_text(incident.root_cause, "root cause", "--root-cause");
  require_text(incident.test_id, "test id", "--test");
  int64_t id = 0;
  transaction([&] {
    if (!find_task(incident.task)) throw detail::no_such_task(incident.task);
    const std::string paths = core::json_text(nlohmann::json(incident.paths));
    SQLite::Statement insert(*m_db,
                             "INSERT INTO incidents(task, root_cause, test_id, paths, actor, "
                             "created_at) VALUES(?,?,?,?,?,?)");
    insert.bind(1, incident.task);
    insert.bind(2, incident.root_cause);
    insert.bind(3, incident.test_id);
    insert.bind(4, paths);
    insert.bind(5, incident.actor);
    insert.bind(6, static_cast<int64_t>(detail::pinned_or(incident.created_at, m_clock.now_ms())));
    insert.exec();
    id = m_db->getLastInsertRowid();
    nlohmann::json payload = {{"incident", id},
                              {"root_cause", incident.root_cause},
                              {"test", incident.test_id},
                              {"paths", incident.paths}};
    append_event(incident.task, std::nullopt, incident.actor, "incident_added",
                 core::json_text(payload));
  });
  return id;
}

std::vector<IncidentRow> Store::list_incidents() const {
  SQLite::Statement query(*m_db, k_incident_select);
  std::vector<IncidentRow> rows;
  while (query.executeStep()) rows.push_back(read_incident(query));
  return rows;
}

void Store::record_incident_use(int64_t incident_id, const std::string& task, IncidentUse kind,
                                std::optional<int64_t> run_id, const std::string& actor,
                                const std::string& note) {
  transaction([&] {
    SQLite::Statement test(*m_db, "SELECT test_id FROM incidents WHERE id = ?");
    test.bind(1, static_cast<int64_t>(incident_id));
    if (!test.executeStep()) {
      throw core::Error(core::ExitCode::usage, fmt::format("no incident {}", incident_id),
                        "see 'factory incident list' for the recorded incidents");
    }
    std::string test_id = test.getColumn(0).getString();
    SQLite::Statement insert(
        *m_db, "INSERT INTO incident_uses(incident_id, task, kind, run_id, at) VALUES(?,?,?,?,?)");
    insert.bind(1, static_cast<int64_t>(incident_id));
    insert.bind(2, task);
    insert.bind(3, std::string(use_name(kind)));
    if (run_id) {
      insert.bind(4, static_cast<int64_t>(*run_id));
    } else {
      insert.bind(4);
    }
    insert.bind(5, static_cast<int64_t>(m_clock.now_ms()));
    insert.exec();
    nlohmann::json payload = {{"incident", incident_id}, {"test", test_id}};
    if (!note.empty()) payload["detail"] = note;
    append_event(task, run_id, actor, fmt::format("incident_{}", use_name(kind)),
                 core::json_text(payload));
  });
}

}  // namespace factory::store
