#pragma once

#include <git2.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace factory::vcs {

// Deleter that calls a libgit2 free function, so handles cannot leak on an exception path.
template <typename T, void (*Free)(T*)>
struct GitFree {
  void operator()(T* p) const { Free(p); }
};

// Owning handles for the libgit2 objects the git backend uses.
using RepoPtr = std::unique_ptr<git_repository, GitFree<git_repository, git_repository_free>>;
using IndexPtr = std::unique_ptr<git_index, GitFree<git_index, git_index_free>>;
using TreePtr = std::unique_ptr<git_tree, GitFree<git_tree, git_tree_free>>;
using CommitPtr = std::unique_ptr<git_commit, GitFree<git_commit, git_commit_free>>;
using ObjectPtr = std::unique_ptr<git_object, GitFree<git_object, git_object_free>>;
using RefPtr = std::unique_ptr<git_reference, GitFree<git_reference, git_reference_free>>;
using DiffPtr = std::unique_ptr<git_diff, GitFree<git_diff, git_diff_free>>;
using BlobPtr = std::unique_ptr<git_blob, GitFree<git_blob, git_blob_free>>;
using PatchPtr = std::unique_ptr<git_patch, GitFree<git_patch, git_patch_free>>;
using WorktreePtr = std::unique_ptr<git_worktree, GitFree<git_worktree, git_worktree_free>>;
using SignaturePtr = std::unique_ptr<git_signature, GitFree<git_signature, git_signature_free>>;

// Calls git_libgit2_init exactly once per process (never shut down: handles may outlive main).
void ensure_libgit2();

// The last libgit2 error message, or "unknown error".
std::string git_message();

// Throws Error(vcs, "<what>: <libgit2 message>", hint) when rc < 0; returns rc otherwise.
int check(int rc, std::string_view what, std::string_view hint = {});

// Full hex form of an object id.
std::string oid_hex(const git_oid& oid);

// Releases a git_buf's memory when it goes out of scope.
struct BufGuard {
  git_buf buf = GIT_BUF_INIT;
  ~BufGuard() { git_buf_dispose(&buf); }
  std::string str() const { return buf.ptr ? std::string(buf.ptr, buf.size) : std::string(); }
};

// A git_strarray view over borrowed C strings.
struct StrArray {
  std::vector<char*> ptrs;
  git_strarray get() { return git_strarray{ptrs.data(), ptrs.size()}; }
};

}  // namespace factory::vcs
