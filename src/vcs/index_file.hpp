#pragma once

#include <git2.h>

#include "vcs/index_parse.hpp"

namespace factory::vcs {

// The same snapshot taken from libgit2's loaded index (no cached tree).
void snapshot_from_index(git_index* index, IndexSnapshot& out);

// Proves, from the cached tree, that the index holds exactly `head` (nothing staged). False
// means "not proven": compute the staged differences the slow way.
bool index_matches_tree(git_repository* repo, const IndexSnapshot& index, git_tree* head);

}  // namespace factory::vcs
