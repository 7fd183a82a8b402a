#include "vcs/jj_vcs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "vcs/jj_parse.hpp"
#include "vcs/vcs_util.hpp"

namespace factory::vcs {

namespace {

constexpr size_t k_diff_bytes = size_t{256} << 20;           // a diff bigger than this is refused
constexpr const char* k_bookmark_file = "factory-bookmark";  // jj ignores unknown files in .jj/

// "workspace add", "op log", "bookmark set": the words that name what failed.
std::string subcommand(const std::vector<std::string>& args) {
  static const std::set<std::string> groups = {"workspace", "bookmark", "op", "git"};
  if (args.size() > 1 && groups.count(args[0])) return args[0] + " " + args[1];
  return args.empty() ? "" : args[0];
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A revset naming exactly one bookmark.
std::string bookmark_rev(const std::string& name) {
  return "bookmarks(exact:" + quoted(name) + ")";
}

// A fileset naming exactly one file relative to the workspace root.
std::string file_set(const std::string& path) {
  return "root-file:" + quoted(path);
}

bool is_hex_id(const std::string& s, size_t min_len) {
  return s.size() >= min_len && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c));
         });
}

std::string workspace_name(const fs::path& ws) {
  return normal_dir(ws).filename().string();
}

}  // namespace

std::string bookmark_for_ref(const std::string& ref) {
  return ref.rfind("refs/", 0) == 0 ? ref.substr(5) : ref;
}

JjVcs::JjVcs(fs::path main_root, core::ProcessRunner& runner)
    : m_main_root(normal_dir(main_root)), m_runner(runner) {}

std::string JjVcs::jj(const fs::path& cwd, const std::vector<std::string>& args) {
  core::ProcessRequest request;
  request.argv = {"jj", "--no-pager", "--color=never"};
  request.argv.insert(request.argv.end(), args.begin(), args.end());
  request.cwd = cwd;
  request.tail_bytes = k_diff_bytes;
  auto result = m_runner.run(request);
  std::string cmd = "jj " + subcommand(args);
  if (result.spawn_failed) {
    throw core::Error(core::ExitCode::vcs, "cannot run jj: it is not installed or not on PATH",
                      "install jj, or remove .jj/ to use the git backend");
  }
  if (!result.ok()) {
    auto lines = non_empty_lines(result.output);
    std::string first = lines.empty() ? "exit code " + std::to_string(result.exit_code) : lines[0];
    throw core::Error(core::ExitCode::vcs, cmd + " failed: " + first,
                      "run `" + cmd + "` in " + cwd.string() + " to see the whole message");
  }
  if (result.output_truncated) {
    throw core::Error(core::ExitCode::vcs, cmd + " printed more than factory can read",
                      "the change is too large; commit or split it");
  }
  return result.output;
}

std::string JjVcs::commit_of(const fs::path& ws, const std::string& revset) {
  auto out = jj(ws, {"log", "--no-graph", "-r", revset, "-T", "commit_id ++ \"\\n\""});
  for (const auto& line : non_empty_lines(out)) {
    if (is_hex_id(line, 40)) return line;
  }
  throw core::Error(core::ExitCode::vcs, "jj log found no commit for " + revset,
                    "check the revision with `jj log -r '" + revset + "'`");
}

std::string JjVcs::add_workspace(const fs::path& ws, const std::string& branch,
                                 const std::string& base_rev) {
  auto dir = normal_dir(ws);
  std::error_code ec;
  fs::create_directories(dir.parent_path(), ec);
  // The main workspace's `@-` is jj's equivalent of git's HEAD (its `@` is uncommitted work).
  std::string base = base_rev.empty() ? "@-" : base_rev;
  jj(m_main_root, {"workspace", "add", "--name", workspace_name(dir), "-r", base, dir.string()});
  if (!branch.empty()) {
    jj(dir, {"bookmark", "create", branch, "-r", "@-"});
    std::ofstream(dir / ".jj" / k_bookmark_file) << branch << "\n";
  }
  return commit_of(dir, "@-");
}

void JjVcs::remove_workspace(const fs::path& ws, const std::string& branch,
                             const std::string& keep_ref) {
  auto dir = normal_dir(ws);
  if (!keep_ref.empty() && !branch.empty()) {
    jj(m_main_root, {"bookmark", "set", bookmark_for_ref(keep_ref), "--allow-backwards", "-r",
                     bookmark_rev(branch)});
  }
  jj(m_main_root, {"workspace", "forget", workspace_name(dir)});
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) {
    throw core::Error(core::ExitCode::vcs, "cannot delete " + dir.string() + ": " + ec.message(),
                      "close programs using the workspace and try again");
  }
  if (!branch.empty()) jj(m_main_root, {"bookmark", "delete", branch});
}

std::string JjVcs::head_commit(const fs::path& ws) {
  return commit_of(ws, "@-");
}

std::string JjVcs::content_tree_id(const fs::path& ws) {
  // jj's templates expose no tree id; the snapshotted working-copy commit changes exactly when
  // its content (or its description/parents) does, which is what results are keyed on.
  return commit_of(ws, "@");
}

std::vector<FileChange> JjVcs::diff_changes(const fs::path& ws,
                                            const std::vector<std::string>& range) {
  std::vector<std::string> summary_args = {"diff", "--summary"};
  std::vector<std::string> git_args = {"diff", "--git"};
  summary_args.insert(summary_args.end(), range.begin(), range.end());
  git_args.insert(git_args.end(), range.begin(), range.end());
  auto changes = parse_jj_summary(jj(ws, summary_args));
  if (changes.empty()) return changes;
  merge_line_counts(changes, parse_git_patch(jj(ws, git_args)));
  return changes;
}

std::vector<FileChange> JjVcs::changes(const fs::path& ws) {
  return diff_changes(ws, {});
}

std::vector<FileChange> JjVcs::changes_since(const fs::path& ws, const std::string& base_commit) {
  return diff_changes(ws, {"--from", base_commit, "--to", "@"});
}

std::vector<AddedLines> JjVcs::added_lines_since(const fs::path& ws,
                                                 const std::string& base_commit) {
  std::vector<AddedLines> out;
  for (auto& f : parse_git_patch(jj(ws, {"diff", "--git", "--from", base_commit, "--to", "@"}))) {
    if (!f.binary && !f.added_lines.empty()) out.push_back({f.path, std::move(f.added_lines)});
  }
  return out;
}

std::optional<std::string> JjVcs::file_at(const fs::path& ws, const std::string& commit,
                                          const std::string& path) {
  // `file show` on a missing path only warns, so `file list` says first whether it is there.
  auto listed = non_empty_lines(jj(ws, {"file", "list", "-r", commit, "--", file_set(path)}));
  if (std::find(listed.begin(), listed.end(), path) == listed.end()) return std::nullopt;
  return jj(ws, {"file", "show", "-r", commit, "--", file_set(path)});
}

void JjVcs::advance_bookmark(const fs::path& ws) {
  std::ifstream in{normal_dir(ws) / ".jj" / k_bookmark_file};
  std::string branch;
  if (std::getline(in, branch) && !branch.empty()) {
    jj(ws, {"bookmark", "set", branch, "-r", "@-"});
  }
}

std::optional<std::string> JjVcs::commit_all(const fs::path& ws, const std::string& message) {
  if (parse_jj_summary(jj(ws, {"diff", "--summary"})).empty()) return std::nullopt;
  jj(ws, {"commit", "-m", message});
  advance_bookmark(ws);
  return commit_of(ws, "@-");
}

std::optional<std::string> JjVcs::commit_paths(const fs::path& ws,
                                               const std::vector<std::string>& paths,
                                               const std::string& message) {
  if (paths.empty()) return std::nullopt;
  std::vector<std::string> sets;
  for (const auto& p : paths) sets.push_back(file_set(p));
  std::vector<std::string> summary = {"diff", "--summary", "--"};
  summary.insert(summary.end(), sets.begin(), sets.end());
  if (parse_jj_summary(jj(ws, summary)).empty()) return std::nullopt;
  // `jj commit <filesets>` puts only those files in the commit; the rest stays in the new `@`.
  std::vector<std::string> commit = {"commit", "-m", message, "--"};
  commit.insert(commit.end(), sets.begin(), sets.end());
  jj(ws, commit);
  advance_bookmark(ws);
  return commit_of(ws, "@-");
}

SavedChange JjVcs::save_change(const fs::path& ws, const std::string& ref,
                               const fs::path& patch_file) {
  std::string patch = jj(ws, {"diff", "--git"});
  std::error_code ec;
  fs::create_directories(patch_file.parent_path(), ec);
  std::ofstream(patch_file, std::ios::binary | std::ios::trunc) << patch;
  // A bookmark on `@` itself would follow `@` when it is restored, so keep a duplicate instead:
  // "Duplicated <commit> as <change id> <commit> ..." names the copy.
  std::string change_id;
  for (const auto& line : non_empty_lines(jj(ws, {"duplicate", "@"}))) {
    std::istringstream words{line};
    std::string w0, w1, w2, w3;
    if (words >> w0 >> w1 >> w2 >> w3 && w0 == "Duplicated" && w2 == "as") change_id = w3;
  }
  if (change_id.empty()) {
    throw core::Error(core::ExitCode::vcs, "jj duplicate did not name the saved copy",
                      "the patch is kept in " + patch_file.string());
  }
  jj(ws, {"bookmark", "set", bookmark_for_ref(ref), "--allow-backwards", "-r", change_id});
  return SavedChange{commit_of(ws, change_id), ref};
}

void JjVcs::restore_to_head(const fs::path& ws) {
  jj(ws, {"restore"});
}

void JjVcs::apply_saved(const fs::path& ws, const std::string& ref) {
  std::string rev = bookmark_rev(bookmark_for_ref(ref));
  // `jj restore --from` copies a whole tree, which equals applying the saved diff only when the
  // working copy is clean and sits on the saved change's parent.
  bool same_parent = commit_of(ws, "(" + rev + ")-") == commit_of(ws, "@-");
  bool clean = parse_jj_summary(jj(ws, {"diff", "--summary"})).empty();
  if (!same_parent || !clean) {
    throw core::Error(core::ExitCode::vcs,
                      "the saved change does not apply cleanly here (" +
                          std::string(same_parent ? "the working copy has changes"
                                                  : "it was made on another commit") +
                          ")",
                      "see it with `jj diff -r '" + rev + "'` and apply it by hand");
  }
  jj(ws, {"restore", "--from", rev});
}

std::vector<std::string> JjVcs::refs_with_prefix(const std::string& prefix) {
  auto out = jj(m_main_root, {"bookmark", "list", "-T", "name ++ \"\\n\"",
                              "glob:" + bookmark_for_ref(prefix) + "*"});
  std::set<std::string> names;
  for (const auto& line : non_empty_lines(out)) names.insert(line);
  std::string add_back = prefix.rfind("refs/", 0) == 0 ? "refs/" : "";
  std::vector<std::string> refs;
  for (const auto& n : names) refs.push_back(add_back + n);
  std::sort(refs.begin(), refs.end(), natural_less);
  return refs;
}

bool JjVcs::main_tree_dirty() {
  for (const auto& change : parse_jj_summary(jj(m_main_root, {"diff", "--summary"}))) {
    if (!is_factory_path(change.path)) return true;
  }
  return false;
}

void JjVcs::ensure_excluded(const std::vector<std::string>& patterns) {
  // jj honours the backing git repository's info/exclude: .git/ when colocated, else its store.
  std::error_code ec;
  fs::path git_dir = m_main_root / ".git";
  if (!fs::is_directory(git_dir, ec)) git_dir = m_main_root / ".jj" / "repo" / "store" / "git";
  if (!fs::is_directory(git_dir, ec)) {
    throw core::Error(core::ExitCode::vcs,
                      "excluding byproducts is not supported with this jj backend yet",
                      "add the patterns to .gitignore by hand");
  }
  update_exclude_block(git_dir / "info" / "exclude", patterns);
}

std::string JjVcs::operation_id(const fs::path& ws) {
  auto lines = non_empty_lines(
      jj(ws, {"op", "log", "--no-graph", "-l", "1", "-T", "id.short() ++ \"\\n\""}));
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (is_hex_id(*it, 8)) return *it;
  }
  return lines.empty() ? "" : lines.back();
}

Integration JjVcs::integrate(const IntegrateRequest& request) {
  throw core::Error(core::ExitCode::vcs,
                    fmt::format("factory deploy cannot integrate '{}' in a jj repository yet",
                                request.task_branch),
                    fmt::format("integrate it with jj (e.g. jj squash --from {}), then roll the "
                                "flag out by hand with factory flag eval to check it",
                                request.task_branch));
}

}  // namespace factory::vcs
