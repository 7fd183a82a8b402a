// The audit trail at scale: a state.db with 1M events (1000 tasks of ~1000 events each, chained
// with correct hashes), then the real `factory audit <task>`, `factory status <task>` and
// `factory audit verify`, each beside the same reads through the sqlite3 CLI in the same run:
// the task's events by the (task, seq) index, the three queries `status` makes, and a full scan
// of the events table to /dev/null (what verify reads, without hashing). Median of interleaved
// rounds after an untimed warm-up that also checks the results.
#include <fmt/format.h>
#include <unistd.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"
#include "support.hpp"

namespace fs = std::filesystem;
using Clock = bench::Clock;

namespace {

namespace core = factory::core;
namespace store = factory::store;

constexpr int k_default_rounds = 7;
constexpr int64_t k_default_events = 1'000'000;
constexpr int k_tasks = 1000;
constexpr const char* k_focus = "focus";  // the task the per-task commands ask about
constexpr double k_target_task_ms = 20, k_target_status_ms = 20, k_target_verify_ms = 3000;

struct Run {
  double ms = 0;
  std::string out;
};

// Runs argv in `cwd` with stdout kept (or dropped) and stderr to a scratch file; a command that
// fails fails the benchmark, since its time would measure an error path.
Run spawn_timed(const std::vector<std::string>& args, const fs::path& cwd, const fs::path& scratch,
                bool keep_output) {
  const fs::path out = keep_output ? scratch / "out" : fs::path("/dev/null");
  const bench::Child child = bench::spawn_child(args, cwd, out, scratch / "err");
  if (!bench::exited_with(child.status, 0)) {
    bench::fail(fmt::format("`{}` ended with status {:#x}: {}", fmt::join(args, " "), child.status,
                            bench::read_file(scratch / "err").substr(0, 400)));
  }
  return {child.ms, keep_output ? bench::read_file(out) : ""};
}

uint64_t next_random(uint64_t& state) {  // xorshift64: the same trail every run
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

std::string hex40(uint64_t& state) {
  return fmt::format("{:016x}{:016x}{:08x}", next_random(state), next_random(state),
                     static_cast<uint32_t>(next_random(state)));
}

// The payload and action of one synthetic event, shaped like the real ones.
std::pair<std::string, std::string> synthetic_event(uint64_t& state, int run) {
  static const char* k_stages[] = {"tdd-setup", "implement",   "unit-test", "coverage", "lint",
                                   "static",    "integration", "security",  "review",   "accept"};
  switch (next_random(state) % 8) {
    case 0:
      return {"run_started", fmt::format(R"({{"range":"tdd-setup..accept","run":{}}})", run)};
    case 1:
      return {"run_passed", fmt::format(R"({{"run":{},"vcs_operation":""}})", run)};
    case 2:
      return {"status", R"({"from":"running","reason":"run 3 failed at unit-test","to":"failed"})"};
    case 3:
      return {
          "reverted",
          fmt::format(R"({{"files":2,"ref":"refs/factory/reverted/t/{}","stage":"lint"}})", run)};
    default: {
      const bool red = next_random(state) % 5 == 0;
      return {"stage", fmt::format(R"({{"commit":"{}","detail":"{}","exit_code":{},"outcome":"{}",)"
                                   R"("stage":"{}","tree":"{}"}})",
                                   hex40(state), red ? "tests/test_calc.py::test_add failed" : "",
                                   red ? 1 : 0, red ? "failed" : "passed",
                                   k_stages[next_random(state) % 10], hex40(state))};
    }
  }
}

// The 999 other tasks through the Store API, then bulk events straight into the table with the
// chain computed here (store::EventHasher), continuing from audit_head, in one transaction.
void fill_trail(const fs::path& db_path, int64_t total) {
  core::SystemClock clock;
  {
    store::Store db(db_path, clock);
    db.transaction([&] {
      for (int i = 1; i < k_tasks; ++i) {
        store::TaskRow task;
        task.id = fmt::format("task-{:04}", i);
        task.lang = "python";
        task.workspace = fmt::format("/srv/repo.factory/{}", task.id);
        task.branch = "factory/" + task.id;
        task.base_commit = "0123456789abcdef0123456789abcdef01234567";
        task.backend = "git";
        db.create_task(task, "bench");
      }
    });
  }
  SQLite::Database raw(db_path.string(), SQLite::OPEN_READWRITE);
  raw.exec("BEGIN IMMEDIATE");
  int64_t seq = raw.execAndGet("SELECT last_seq FROM audit_head").getInt64();
  std::string prev = raw.execAndGet("SELECT last_digest FROM audit_head").getString();
  SQLite::Statement insert(raw,
                           "INSERT INTO events(seq, ts, task, run_id, actor, action, payload, "
                           "prev_hash, hash) VALUES(?,?,?,?,?,?,?,?,?)");
  store::EventHasher hasher;
  std::vector<int> task_events(k_tasks, 0);
  uint64_t state = 0x9E3779B97F4A7C15ull;
  int64_t ts = clock.now_ms() - total * 500;  // one event every half second, ending now
  while (seq < total) {
    ++seq;
    ts += 500;
    const int owner = static_cast<int>(next_random(state) % k_tasks);
    const std::string task = owner == 0 ? k_focus : fmt::format("task-{:04}", owner);
    // Each task's events fall into its runs of about a dozen events, as a real task's do.
    const int run = ++task_events[owner] / 12 + 1;
    auto [action, payload] = synthetic_event(state, run);
    std::optional<int64_t> run_id;
    if (action != "status") run_id = int64_t{owner} * 1000 + run;
    store::EventFields fields{prev, seq, ts, task, run_id, "lewis", action, payload};
    const std::string hash = hasher.hash(fields);
    insert.bind(1, static_cast<int64_t>(seq));
    insert.bind(2, static_cast<int64_t>(ts));
    insert.bind(3, task);
    if (run_id) {
      insert.bind(4, static_cast<int64_t>(*run_id));
    } else {
      insert.bind(4);
    }
    insert.bind(5, "lewis");
    insert.bind(6, action);
    insert.bind(7, payload);
    insert.bind(8, prev);
    insert.bind(9, hash);
    insert.exec();
    insert.reset();
    prev = hash;
  }
  SQLite::Statement head(raw, "UPDATE audit_head SET last_seq = ?, last_digest = ? WHERE id = 1");
  head.bind(1, static_cast<int64_t>(seq));
  head.bind(2, prev);
  head.exec();
  raw.exec("COMMIT");
  raw.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

struct Pair {
  std::string what;
  std::vector<std::string> factory_args;
  std::vector<std::string> sqlite_args;
  double target_ms;
};

void compare(const Pair& pair, const fs::path& repo, const fs::path& scratch, int rounds) {
  std::vector<double> f, s;
  for (int round = 0; round < rounds; ++round) {
    f.push_back(spawn_timed(pair.factory_args, repo, scratch, false).ms);
    s.push_back(spawn_timed(pair.sqlite_args, repo, scratch, false).ms);
  }
  const double fm = bench::median(f), sm = bench::median(s);
  fmt::print(
      "  {:<28} {:9.1f} ms   sqlite3 {:9.1f} ms   ratio {:5.2f}x   (target <= {:.0f} ms) {}\n",
      pair.what, fm, sm, fm / sm, pair.target_ms, fm <= pair.target_ms ? "ok" : "MISSED");
}

}  // namespace

// Usage: bench_audit [--factory PATH] [--rounds N] [--events N] [--keep 1 (leave the repo, to
// profile a command on it)]
int main(int argc, char** argv) {
  fs::path factory = bench::default_factory_bin(argv[0]);
  int rounds = k_default_rounds;
  int64_t events = k_default_events;
  bool keep = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--factory") factory = fs::absolute(argv[i + 1]);
    if (flag == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--events") events = std::max<int64_t>(20'000, std::atoll(argv[i + 1]));
    if (flag == "--keep") keep = std::atoi(argv[i + 1]) != 0;
  }
  if (!fs::exists(factory)) bench::fail("no factory binary at " + factory.string());
  const fs::path scratch =
      fs::temp_directory_path() / fmt::format("factory-audit-bench-{}", getpid());
  const fs::path repo = scratch / "repo";
  fs::create_directories(repo);
  const std::string f = factory.string();
  // A real repository and a real task (with its workspace), so status has something to open.
  bench::sh(fmt::format(
      "cd '{0}' && git init -q -b main && printf 'def add(a, b):\\n    return a + b\\n' > calc.py "
      "&& git add -A && git -c user.name=bench -c user.email=b@e commit -qm init && "
      "FACTORY_ACTOR=bench '{1}' init --lang python >/dev/null && "
      "FACTORY_ACTOR=bench '{1}' new {2} --no-tdd >/dev/null 2>&1",
      repo.string(), f, k_focus));
  const fs::path db = repo / ".factory" / "state.db";
  auto start = Clock::now();
  fill_trail(db, events);
  fmt::print(
      "factory audit at scale: {} events over {} tasks ({:.0f} MB state.db, built in "
      "{:.1f} s); median of {} interleaved rounds\n",
      events, k_tasks, static_cast<double>(fs::file_size(db)) / (1 << 20),
      std::chrono::duration<double>(Clock::now() - start).count(), rounds);

  // Warm-up that checks the answers: a fast wrong result measures nothing.
  Run verify = spawn_timed({f, "audit", "verify"}, repo, scratch, true);
  if (verify.out.find(fmt::format("intact: {} events", events)) == std::string::npos) {
    bench::fail("audit verify did not find the whole trail intact: " + verify.out);
  }
  Run audit = spawn_timed({f, "audit", k_focus, "--json"}, repo, scratch, true);
  if (audit.out.find("\"task\": \"focus\"") == std::string::npos)
    bench::fail("audit: " + audit.out);
  const std::string focus_events =
      std::to_string(SQLite::Database(db.string())
                         .execAndGet("SELECT COUNT(*) FROM events WHERE task = 'focus'")
                         .getInt64());
  fmt::print("  task '{}' has {} events; verify says: {}", k_focus, focus_events, verify.out);

  const std::string d = db.string();
  const std::vector<Pair> pairs = {
      {"factory audit focus",
       {f, "audit", k_focus},
       {"sqlite3", d, "SELECT * FROM events WHERE task = 'focus' ORDER BY seq"},
       k_target_task_ms},
      {"factory status focus",
       {f, "status", k_focus},
       {"sqlite3", d,
        "SELECT * FROM tasks WHERE id = 'focus'; SELECT * FROM runs WHERE task = 'focus' ORDER "
        "BY number DESC LIMIT 1; SELECT * FROM stage_results AS s WHERE task = 'focus' AND id = "
        "(SELECT MAX(id) FROM stage_results WHERE task = s.task AND stage = s.stage)"},
       k_target_status_ms},
      {"factory audit verify",
       {f, "audit", "verify"},
       {"sqlite3", d, "SELECT * FROM events ORDER BY seq"},
       k_target_verify_ms},
  };
  for (const auto& pair : pairs) compare(pair, repo, scratch, rounds);
  std::vector<double> start_ms;
  for (int round = 0; round < rounds; ++round) {
    start_ms.push_back(spawn_timed({f, "--version"}, repo, scratch, false).ms);
  }
  fmt::print(
      "  {:<28} {:9.1f} ms   (process start and dynamic linking alone: the floor of "
      "every command)\n",
      "factory --version", bench::median(start_ms));
  fmt::print("  (sqlite3 beside verify only reads the rows; verify also hashes each one)\n");
  if (keep) {
    fmt::print("  kept: {}\n", repo.string());
    return 0;
  }
  fs::remove_all(scratch);  // the repository and the task workspace beside it
  return 0;
}
