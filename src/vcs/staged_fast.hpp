#pragma once

// The pre-commit hook's view of a commit without libgit2 (whose start-up alone costs more than
// the whole check): the same answer as staged_changes_from_env, or no answer at all.
#include <optional>
#include <string>

#include "vcs/git_hooks.hpp"

namespace factory::vcs {

// The staged change of the commit in progress, exactly as staged_changes_from_env reports it
// (same paths, kinds, order and symlink targets), read from the repository named by GIT_DIR /
// GIT_INDEX_FILE or found from the current directory. nullopt ("unsupported") for anything this
// reader does not handle, never a guess: SHA-256 or unknown extensions, alternates, index v4,
// split or sparse indexes, unmerged entries, changed submodules, missing or corrupt objects;
// `why` then says which. Reads only.
std::optional<StagedChanges> staged_changes_fast(std::string* why = nullptr);

}  // namespace factory::vcs
