#pragma once

#include <git2.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "vcs/index_file.hpp"

namespace factory::vcs {

// A working file that belongs in the change, with the mode it would be committed with.
struct ScannedFile {
  std::string path;
  git_filemode_t mode = GIT_FILEMODE_BLOB;
};

// A tracked file whose content matches its index entry although its stat data does not.
struct StaleEntry {
  std::string path;
  struct stat st {};
};

// How the working files differ from the index (what `git add -A` would stage).
struct WorkdirScan {
  std::vector<ScannedFile> modified;   // tracked, content or mode differs (hash-verified)
  std::vector<std::string> deleted;    // tracked, gone from disk
  std::vector<ScannedFile> untracked;  // new files that are not ignored
  std::vector<StaleEntry> stale;       // unchanged content, refreshable stat cache
  bool typechange = false;             // a file became a directory or the reverse
  bool raw_content = false;            // no content filter can apply: hash files as they are

  bool empty() const { return modified.empty() && deleted.empty() && untracked.empty(); }
};

// Compares the working files of `repo` with `index` in one pass: every directory is read once
// and every tracked file stat'ed once, relative to its directory, spread over a few threads.
// Stat mismatches are confirmed by hashing, so a touched but unchanged file is not a change.
// Ignored untracked files and nested repositories are left out, as `git add -A` does.
// `index_path` is the index file, whose time stamp decides which entries are racy.
WorkdirScan scan_workdir(git_repository* repo, const IndexSnapshot& index,
                         const std::filesystem::path& index_path);

}  // namespace factory::vcs
