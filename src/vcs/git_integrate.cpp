// Integrating a task branch into the main worktree's branch (factory deploy), all in libgit2:
// the commit is written first, the files second, the branch moved last with a compare-and-swap,
// so a refusal at any point leaves the base branch and the main worktree as they were.
#include <fmt/format.h>

#include "core/error.hpp"
#include "vcs/git_vcs.hpp"

namespace factory::vcs {

namespace {

using IndexHandle = IndexPtr;

CommitPtr lookup_commit(git_repository* r, const git_oid& id, std::string_view what) {
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, r, &id), fmt::format("cannot read {}", what));
  return CommitPtr(c);
}

TreePtr tree_of(git_commit* commit) {
  git_tree* t = nullptr;
  check(git_commit_tree(&t, commit), "cannot read a commit's tree");
  return TreePtr(t);
}

core::Error refusal(const std::string& what, const std::string& hint) {
  return core::Error(core::ExitCode::blocked, what + ": nothing was integrated", hint);
}

// The paths both sides changed, as git would report them.
std::vector<std::string> conflicting_paths(git_index* index) {
  std::vector<std::string> paths;
  git_index_conflict_iterator* it = nullptr;
  if (git_index_conflict_iterator_new(&it, index) < 0) return paths;
  const git_index_entry *ancestor, *ours, *theirs;
  while (git_index_conflict_next(&ancestor, &ours, &theirs, it) == 0) {
    const git_index_entry* any = ours ? ours : theirs ? theirs : ancestor;
    if (any) paths.emplace_back(any->path);
  }
  git_index_conflict_iterator_free(it);
  return paths;
}

// The tree the base gets: the task's own tree when the base has not moved, else a three-way
// merge that must be free of conflicts.
git_oid integrated_tree(git_repository* r, git_commit* ours, git_commit* theirs,
                        const git_oid& merge_base, const std::string& branch) {
  if (git_oid_equal(&merge_base, git_commit_id(ours))) return *git_commit_tree_id(theirs);
  auto base = lookup_commit(r, merge_base, "the merge base");
  auto base_tree = tree_of(base.get());
  auto our_tree = tree_of(ours);
  auto their_tree = tree_of(theirs);
  git_index* raw = nullptr;
  git_merge_options options = GIT_MERGE_OPTIONS_INIT;
  check(git_merge_trees(&raw, r, base_tree.get(), our_tree.get(), their_tree.get(), &options),
        "cannot merge the task into the base");
  IndexHandle index(raw);
  if (git_index_has_conflicts(index.get())) {
    auto paths = conflicting_paths(index.get());
    throw refusal(fmt::format("'{}' moved since the task started and both changed {}", branch,
                              fmt::join(paths, ", ")),
                  "bring the task up to date with the base and run it again, or resolve by hand");
  }
  git_oid tree;
  check(git_index_write_tree_to(&tree, index.get(), r), "cannot write the integrated tree");
  return tree;
}

}  // namespace

Integration GitVcs::integrate(const IntegrateRequest& request) {
  auto* r = repo(m_main_root);
  if (git_repository_head_detached(r) == 1) {
    throw refusal("the main worktree is not on a branch (detached HEAD)",
                  "check out the branch to integrate into, e.g. git switch main");
  }
  git_reference* head_raw = nullptr;
  check(git_repository_head(&head_raw, r), "cannot read HEAD of the main worktree");
  RefPtr head(head_raw);
  Integration done;
  done.branch = git_reference_shorthand(head.get());
  if (main_tree_dirty_except(request.not_dirty)) {
    throw refusal(fmt::format("the main worktree has uncommitted changes on '{}'", done.branch),
                  "commit or stash them first (git status shows them)");
  }
  git_oid ours_id = *git_reference_target(head.get());
  git_oid theirs_id;
  check(git_reference_name_to_id(&theirs_id, r, ("refs/heads/" + request.task_branch).c_str()),
        fmt::format("cannot find branch '{}'", request.task_branch));
  git_oid merge_base;
  check(git_merge_base(&merge_base, r, &ours_id, &theirs_id),
        fmt::format("'{}' and '{}' share no history", done.branch, request.task_branch));
  if (git_oid_equal(&merge_base, &theirs_id)) {
    throw refusal(fmt::format("'{}' has nothing that '{}' lacks", request.task_branch, done.branch),
                  "the task's commits are already on the base branch");
  }
  auto ours = lookup_commit(r, ours_id, "the base branch");
  auto theirs = lookup_commit(r, theirs_id, "the task branch");
  git_oid tree_id = integrated_tree(r, ours.get(), theirs.get(), merge_base, done.branch);
  if (git_oid_equal(&tree_id, git_commit_tree_id(ours.get()))) {
    // A squash leaves the task branch unmerged, so a second deploy would add an empty commit.
    throw refusal(
        fmt::format("'{}' already has every change of '{}'", done.branch, request.task_branch),
        "it was integrated before: git log shows the commit");
  }

  git_tree* tree_raw = nullptr;
  check(git_tree_lookup(&tree_raw, r, &tree_id), "cannot read the integrated tree");
  TreePtr tree(tree_raw);
  git_signature* sig_raw = nullptr;
  if (git_signature_default(&sig_raw, r) < 0) {
    check(git_signature_now(&sig_raw, "factory", "factory@localhost"), "cannot make a signature");
  }
  SignaturePtr sig(sig_raw);
  const git_commit* parents[] = {ours.get(), theirs.get()};
  git_oid commit_id;
  check(git_commit_create(&commit_id, r, nullptr, sig.get(), sig.get(), nullptr,
                          request.message.c_str(), tree.get(), request.squash ? 1 : 2, parents),
        "cannot write the integration commit");

  // SAFE checks every path before it writes any, so a refusal leaves the files untouched.
  git_checkout_options checkout = GIT_CHECKOUT_OPTIONS_INIT;
  checkout.checkout_strategy = GIT_CHECKOUT_SAFE;
  if (git_checkout_tree(r, reinterpret_cast<git_object*>(tree.get()), &checkout) < 0) {
    throw refusal(fmt::format("cannot update the files of the main worktree: {}", git_message()),
                  "git status shows what is in the way");
  }
  std::string refname = git_reference_name(head.get());
  std::string log = fmt::format("factory deploy: {}", request.task_branch);
  git_reference* moved = nullptr;
  if (git_reference_create_matching(&moved, r, refname.c_str(), &commit_id, 1, &ours_id,
                                    log.c_str()) < 0) {
    // The branch moved while we worked: put the files back the way its old commit had them.
    std::string why = git_message();
    git_checkout_options back = GIT_CHECKOUT_OPTIONS_INIT;
    back.checkout_strategy = GIT_CHECKOUT_FORCE;
    git_checkout_tree(r, reinterpret_cast<git_object*>(ours.get()), &back);
    throw refusal(fmt::format("'{}' moved while integrating: {}", done.branch, why),
                  "run factory deploy again");
  }
  git_reference_free(moved);
  done.previous_head = oid_hex(ours_id);
  done.commit_id = oid_hex(commit_id);
  return done;
}

}  // namespace factory::vcs
