#pragma once

#include <map>
#include <string>
#include <vector>

#include "vcs/vcs.hpp"

namespace factory::test {

namespace fs = std::filesystem;

// An in-memory Vcs: the workspace is a map of path -> content, HEAD another map.
class FakeVcs : public vcs::Vcs {
 public:
  std::map<std::string, std::string> head;                          // committed files
  std::map<std::string, std::string> work;                          // working files
  std::map<std::string, std::map<std::string, std::string>> saved;  // ref -> work snapshot
  std::vector<std::string> commits;                                 // messages, oldest first
  std::vector<std::vector<std::string>> committed_paths;            // per commit_paths call
  std::map<std::string, std::string> base;
  int restores = 0;

  std::string backend_name() const override { return "fake"; }
  fs::path main_root() const override { return "/repo"; }
  std::string add_workspace(const fs::path&, const std::string&, const std::string&) override {
    return "base";
  }
  void remove_workspace(const fs::path&, const std::string&, const std::string&) override {}
  std::string head_commit(const fs::path&) override { return "c" + std::to_string(commits.size()); }
  std::string content_tree_id(const fs::path&) override {
    std::string id;
    for (const auto& [p, c] : work) id += p + "=" + c + ";";
    return id;
  }
  std::vector<vcs::FileChange> diff(const std::map<std::string, std::string>& from) {
    std::vector<vcs::FileChange> out;
    for (const auto& [p, c] : work) {
      auto it = from.find(p);
      if (it == from.end())
        out.push_back({p, 'A', 1, 0});
      else if (it->second != c)
        out.push_back({p, 'M', 1, 1});
    }
    for (const auto& [p, c] : from) {
      if (!work.count(p)) out.push_back({p, 'D', 0, 1});
    }
    return out;
  }
  std::vector<vcs::FileChange> changes(const fs::path&) override { return diff(head); }
  std::vector<vcs::FileChange> changes_since(const fs::path&, const std::string&) override {
    return diff(base);
  }
  std::vector<vcs::AddedLines> added_lines_since(const fs::path&, const std::string&) override {
    std::vector<vcs::AddedLines> out;
    for (const auto& change : diff(base)) {
      if (change.kind != 'D') out.push_back({change.path, {{1, work[change.path]}}});
    }
    return out;
  }
  // The file in `base`, the one commit the fake knows besides HEAD.
  std::optional<std::string> file_at(const fs::path&, const std::string&,
                                     const std::string& path) override {
    auto it = base.find(path);
    if (it == base.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> commit_all(const fs::path&, const std::string& message) override {
    if (work == head) return std::nullopt;
    head = work;
    commits.push_back(message);
    return head_commit("");
  }
  std::optional<std::string> commit_paths(const fs::path&, const std::vector<std::string>& paths,
                                          const std::string& message) override {
    for (const auto& p : paths) {
      if (work.count(p))
        head[p] = work[p];
      else
        head.erase(p);
    }
    commits.push_back(message);
    committed_paths.push_back(paths);
    return head_commit("");
  }
  vcs::SavedChange save_change(const fs::path&, const std::string& ref, const fs::path&) override {
    saved[ref] = work;
    return {"saved", ref};
  }
  void restore_to_head(const fs::path&) override {
    work = head;
    ++restores;
  }
  void apply_saved(const fs::path&, const std::string& ref) override { work = saved.at(ref); }
  std::vector<std::string> refs_with_prefix(const std::string& prefix) override {
    std::vector<std::string> out;
    for (const auto& [ref, _] : saved) {
      if (ref.rfind(prefix, 0) == 0) out.push_back(ref);
    }
    return out;
  }
  bool main_tree_dirty() override { return false; }
  void ensure_excluded(const std::vector<std::string>&) override {}
  std::string operation_id(const fs::path&) override { return ""; }
  vcs::Integration integrate(const vcs::IntegrateRequest& request) override {
    integrations.push_back(request);
    return {"main", "base", "integrated"};
  }
  std::vector<vcs::IntegrateRequest> integrations;
};

}  // namespace factory::test
