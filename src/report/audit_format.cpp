#include "report/audit_format.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>
#include <map>

#include "report/root_cause.hpp"
#include "report/style.hpp"

namespace factory::report {

namespace {

using Json = nlohmann::json;

Json parse_payload(const std::string& payload) {
  auto json = Json::parse(payload, nullptr, false);
  return json.is_object() ? json : Json::object();
}

// A payload value as text: strings as they are, numbers and booleans written out, else "".
std::string text(const Json& payload, const char* key) {
  auto it = payload.find(key);
  if (it == payload.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string short_id(const std::string& id) {
  return id.substr(0, 7);
}

// Up to three names, then "+N more".
std::string name_list(const std::vector<std::string>& names) {
  std::vector<std::string> shown(names.begin(), names.begin() + std::min<size_t>(3, names.size()));
  std::string list = fmt::format("{}", fmt::join(shown, ", "));
  if (names.size() > shown.size()) list += fmt::format(" +{} more", names.size() - shown.size());
  return list;
}

// File names of a boundary payload: "files" holds strings or {"path": ...} objects.
std::vector<std::string> files_of(const Json& payload) {
  std::vector<std::string> files;
  auto it = payload.find("files");
  if (it == payload.end() || !it->is_array()) return files;
  for (const auto& file : *it) {
    if (file.is_string()) files.push_back(file.get<std::string>());
    if (file.is_object()) files.push_back(text(file, "path"));
  }
  return files;
}

AuditMark status_mark(std::string_view to) {
  if (to == "ready_for_decision" || to == "approved" || to == "deployed" ||
      to == "monitoring_complete") {
    return AuditMark::good;
  }
  if (to == "failed" || to == "rejected" || to == "rolled_back" || to == "abandoned") {
    return AuditMark::bad;
  }
  return AuditMark::info;
}

// Reads events one by one into history lines and runs.
class TimelineBuilder {
 public:
  void add(const AuditEvent& event) {
    Json payload = parse_payload(event.payload);
    if (event.run_id && event.action != "status") return on_run_event(event, payload);
    on_task_event(event, payload);
  }
  AuditTimeline take() { return std::move(m_out); }

 private:
  RunLine& run_of(const AuditEvent& event) {
    auto [it, added] = m_runs.try_emplace(*event.run_id, m_out.runs.size());
    if (added) {
      m_out.runs.emplace_back();
      m_out.runs.back().seq = event.seq;
      m_out.runs.back().run_id = *event.run_id;
      m_out.runs.back().started_at = event.ts;  // until its run_started event says otherwise
    }
    return m_out.runs[it->second];
  }

  void on_run_event(const AuditEvent& event, const Json& payload) {
    RunLine& run = run_of(event);
    const std::string& action = event.action;
    if (payload.contains("run") && payload["run"].is_number_integer()) {
      run.number = payload["run"].get<int>();
    }
    if (action == "run_started") {
      run.started_at = event.ts;
      run.range = text(payload, "range");
    } else if (action == "stage") {
      run.stages.emplace_back(text(payload, "stage"), text(payload, "outcome"));
    } else if (action.starts_with("run_")) {
      run.status = action.substr(4);
      run.ended_at = event.ts;
    } else if (action == "reverted") {
      const std::string files = text(payload, "files");
      run.notes.push_back(
          {AuditMark::revert, fmt::format("reverted {} file{} ({})", files, files == "1" ? "" : "s",
                                          text(payload, "ref"))});
    } else if (action == "committed") {
      run.notes.push_back(
          {AuditMark::good, fmt::format("committed {}", short_id(text(payload, "commit")))});
    } else if (action == "boundary_blocked") {
      run.notes.push_back({AuditMark::boundary,
                           fmt::format("outside the contract: {}", name_list(files_of(payload)))});
    } else if (action == "incident_caught") {
      run.notes.push_back({AuditMark::bad, fmt::format("required test {} {}", text(payload, "test"),
                                                       text(payload, "detail"))});
    } else {
      run.notes.push_back({AuditMark::info, action});
    }
  }

  void on_task_event(const AuditEvent& event, const Json& payload) {
    HistoryLine line{event.seq, event.ts, AuditMark::info, event.action, event.actor,
                     "",        "",       event.decision};
    const std::string& action = event.action;
    if (action == "status") {
      line.what = text(payload, "to");
      line.mark = status_mark(line.what);
      line.reason = text(payload, "reason");
    } else if (event.decision) {
      if (merge_decision(event, payload)) return;
      line.mark = status_mark(action);
      line.reason = payload.contains("note") ? text(payload, "note") : text(payload, "reason");
    } else if (action == "created") {
      line.note =
          fmt::format("{} · base {}{}", text(payload, "lang"), short_id(text(payload, "base")),
                      payload.value("tdd", true) ? "" : " · no tdd");
    } else if (action == "boundary_escape") {
      line = {event.seq,
              event.ts,
              AuditMark::boundary,
              "boundary escape",
              event.actor,
              text(payload, "reason"),
              name_list(files_of(payload)),
              false};
    } else if (action == "unreverted") {
      line.mark = AuditMark::revert;
      line.note = text(payload, "ref");
    } else if (action == "tdd_red_confirmed") {
      line.mark = AuditMark::good;
      line.what = "tdd red confirmed";
    } else if (action == "incident_added") {
      line.what = "incident recorded";
      line.reason = text(payload, "root_cause");
      line.note = fmt::format("requires test {}", text(payload, "test"));
    } else if (action == "incident_applied") {
      line.what = "incident requirement applied";
      line.note = fmt::format("requires test {}", text(payload, "test"));
    } else if (action == "rolled_back_creation") {
      line.mark = AuditMark::bad;
      line.what = "creation rolled back";
    }
    m_out.history.push_back(std::move(line));
  }

  // An `approved`/`rejected` event right after the status move it explains adds to that line
  // (how it was made) instead of repeating it.
  bool merge_decision(const AuditEvent& event, const Json& payload) {
    if (m_out.history.empty()) return false;
    HistoryLine& last = m_out.history.back();
    if (last.what != event.action || last.actor != event.actor) return false;
    if (payload.contains("interactive") && payload["interactive"] == false) {
      last.note = "non-interactive (--yes)";
    }
    if (last.reason.empty()) last.reason = text(payload, "note");
    last.decision = true;
    return true;
  }

  AuditTimeline m_out;
  std::map<int64_t, size_t> m_runs;  // run id -> index in m_out.runs
};

std::tm local_tm(int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  return local;
}

bool same_day(const std::tm& a, const std::tm& b) {
  return a.tm_year == b.tm_year && a.tm_yday == b.tm_yday;
}

// Every line gets its date when any line is not from today: one column format for the view.
bool needs_date(const AuditTimeline& timeline, int64_t now_ms) {
  const std::tm today = local_tm(now_ms);
  for (const auto& line : timeline.history) {
    if (!same_day(local_tm(line.ts), today)) return true;
  }
  for (const auto& run : timeline.runs) {
    if (!same_day(local_tm(run.started_at), today)) return true;
  }
  return false;
}

Tone tone_of(AuditMark mark) {
  switch (mark) {
    case AuditMark::good:
      return Tone::good;
    case AuditMark::bad:
      return Tone::bad;
    case AuditMark::revert:
    case AuditMark::boundary:
      return Tone::warn;
    case AuditMark::info:
      break;
  }
  return Tone::muted;
}

std::string_view outcome_symbol(std::string_view outcome) {
  if (outcome == "passed") return "✓";
  if (outcome == "failed") return "✗";
  if (outcome == "skipped") return "–";
  if (outcome == "interrupted") return "✗ interrupted";  // as the run output says it
  return "?";
}

std::string history_text(const HistoryLine& line) {
  std::string out = fmt::format("{} ({})", line.what, printable(line.actor));
  if (!line.reason.empty()) out += fmt::format(" — \"{}\"", printable(line.reason));
  if (!line.note.empty())
    out += fmt::format("{}{}", line.reason.empty() ? " — " : " · ", printable(line.note));
  return out;
}

std::string run_text(const RunLine& run, bool color) {
  std::string out = fmt::format("run {}", run.number > 0 ? std::to_string(run.number) : "?");
  if (!run.range.empty()) out += "  " + run.range;
  out += "  " + run.status;
  if (run.ended_at > 0) out += fmt::format(" ({})", format_duration(run.ended_at - run.started_at));
  std::vector<std::string> stages;
  for (const auto& [stage, outcome] : run.stages) {
    stages.push_back(fmt::format("{} {}", stage, outcome_symbol(outcome)));
  }
  if (!stages.empty()) out += fmt::format("  {}", fmt::join(stages, " "));
  for (const auto& note : run.notes) {
    out += fmt::format(" · {} {}", paint(mark_symbol(note.mark), tone_of(note.mark), color),
                       printable(note.text));
  }
  return out;
}

}  // namespace

AuditTimeline build_timeline(const std::vector<AuditEvent>& events) {
  TimelineBuilder builder;
  for (const auto& event : events) builder.add(event);
  return builder.take();
}

std::string_view mark_symbol(AuditMark mark) {
  switch (mark) {
    case AuditMark::good:
      return "✓";
    case AuditMark::bad:
      return "✗";
    case AuditMark::revert:
      return "↺";
    case AuditMark::boundary:
      return "⚠";
    case AuditMark::info:
      break;
  }
  return "•";
}

AuditMark run_mark(const RunLine& run) {
  if (run.status == "passed") return AuditMark::good;
  if (run.status == "failed" || run.status == "interrupted") return AuditMark::bad;
  if (run.status == "blocked") return AuditMark::boundary;
  return AuditMark::info;
}

std::vector<std::string> render_audit(const std::string& task, const std::string& status,
                                      const AuditTimeline& timeline, int64_t now_ms,
                                      std::optional<int64_t> since_ms, const Style& style) {
  const bool dated = needs_date(timeline, now_ms);
  auto when = [&](int64_t ts) {
    std::tm local = local_tm(ts);
    return dated ? fmt::format("{:%Y-%m-%d %H:%M}", local) : fmt::format("{:%H:%M}", local);
  };
  std::vector<std::string> out;
  std::string header = fmt::format("audit {} · {}", paint(task, Tone::strong, style.color), status);
  if (since_ms) header += fmt::format(" · since {}", format_time(*since_ms));
  out.push_back(header);
  out.push_back("status history");
  if (timeline.history.empty()) out.push_back(paint("  (none)", Tone::muted, style.color));
  for (const auto& line : timeline.history) {
    out.push_back(fmt::format("  {} {} {}",
                              paint(mark_symbol(line.mark), tone_of(line.mark), style.color),
                              when(line.ts), history_text(line)));
  }
  out.push_back("stage runs");
  if (timeline.runs.empty()) out.push_back(paint("  (none)", Tone::muted, style.color));
  for (const auto& run : timeline.runs) {
    const AuditMark mark = run_mark(run);
    out.push_back(fmt::format("  {} {} {}", paint(mark_symbol(mark), tone_of(mark), style.color),
                              when(run.started_at), run_text(run, style.color)));
  }
  return out;
}

nlohmann::ordered_json export_record(const AuditEvent& event) {
  nlohmann::ordered_json record;
  record["seq"] = event.seq;
  record["ts"] = event.ts;
  record["task"] = event.task;
  record["run_id"] = event.run_id ? nlohmann::ordered_json(*event.run_id) : nullptr;
  record["actor"] = event.actor;
  record["action"] = event.action;
  record["payload"] = event.payload;
  record["prev_hash"] = event.prev_hash;
  record["hash"] = event.hash;
  return record;
}

nlohmann::ordered_json audit_json(const std::string& task, const std::string& status,
                                  std::optional<int64_t> since_ms,
                                  const std::vector<AuditEvent>& events,
                                  const AuditTimeline& timeline) {
  static constexpr const char* k_marks[] = {"good", "bad", "revert", "boundary", "info"};
  nlohmann::ordered_json doc;
  doc["task"] = task;
  doc["status"] = status;
  doc["since"] = since_ms ? nlohmann::ordered_json(*since_ms) : nullptr;
  doc["history"] = nlohmann::ordered_json::array();
  for (const auto& line : timeline.history) {
    doc["history"].push_back({{"seq", line.seq},
                              {"ts", line.ts},
                              {"time", iso_utc(line.ts)},
                              {"mark", k_marks[static_cast<int>(line.mark)]},
                              {"what", line.what},
                              {"actor", line.actor},
                              {"reason", line.reason},
                              {"note", line.note},
                              {"decision", line.decision}});
  }
  doc["runs"] = nlohmann::ordered_json::array();
  for (const auto& run : timeline.runs) {
    auto stages = nlohmann::ordered_json::array();
    for (const auto& [stage, outcome] : run.stages) {
      stages.push_back({{"stage", stage}, {"outcome", outcome}});
    }
    auto notes = nlohmann::ordered_json::array();
    for (const auto& note : run.notes) {
      notes.push_back({{"mark", k_marks[static_cast<int>(note.mark)]}, {"text", note.text}});
    }
    doc["runs"].push_back({{"run_id", run.run_id},
                           {"number", run.number},
                           {"range", run.range},
                           {"status", run.status},
                           {"started_at", run.started_at},
                           {"ended_at", run.ended_at},
                           {"stages", stages},
                           {"notes", notes}});
  }
  doc["events"] = nlohmann::ordered_json::array();
  for (const auto& event : events) {
    auto record = export_record(event);
    record["payload"] = nlohmann::ordered_json::parse(event.payload, nullptr, false);
    if (record["payload"].is_discarded()) record["payload"] = event.payload;
    doc["events"].push_back(std::move(record));
  }
  return doc;
}

std::string verify_line(const AuditChain& chain) {
  if (chain.intact) {
    return fmt::format("audit trail intact: {} event{} (last seq {}, digest {})", chain.events,
                       chain.events == 1 ? "" : "s", chain.last_seq, chain.digest);
  }
  return fmt::format("audit trail broken at seq {}: {} — {}", chain.broken_seq, chain.kind,
                     chain.detail);
}

}  // namespace factory::report
