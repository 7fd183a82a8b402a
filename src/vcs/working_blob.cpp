#include "vcs/working_blob.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "vcs/git_handles.hpp"

namespace factory::vcs {

namespace fs = std::filesystem;

namespace {

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// The bytes git would store for an unfiltered file: its content, or a symlink's target.
bool read_raw(const fs::path& file, std::string& out) {
  struct stat st {};
  if (lstat(file.c_str(), &st) != 0) return false;
  if (S_ISLNK(st.st_mode)) {
    out.resize(static_cast<size_t>(st.st_size) + 1);
    ssize_t n = readlink(file.c_str(), out.data(), out.size());
    if (n < 0) return false;
    out.resize(static_cast<size_t>(n));
    return true;
  }
  std::ifstream in{file, std::ios::binary};
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = std::move(ss).str();
  return true;
}

}  // namespace

bool config_may_filter(git_repository* repo) {
  git_config* cfg = nullptr;
  bool may = false;
  if (git_repository_config_snapshot(&cfg, repo) == 0) {
    const char* value = nullptr;
    if (git_config_get_string(&value, cfg, "core.autocrlf") == 0) {
      may = std::string(value) != "false";
    }
    if (git_config_get_string(&value, cfg, "core.eol") == 0) may = true;
    if (git_config_get_string(&value, cfg, "core.attributesfile") == 0) may = true;
    git_config_free(cfg);
  }
  git_error_clear();
  fs::path common = git_repository_commondir(repo);
  if (path_exists(common / "info" / "attributes") || path_exists("/etc/gitattributes")) may = true;
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg && path_exists(fs::path(xdg) / "git" / "attributes")) may = true;
  if (home && *home && path_exists(fs::path(home) / ".config" / "git" / "attributes")) may = true;
  return may;
}

bool hash_working_file(git_repository* repo, const std::string& path, bool raw, git_oid& out) {
  if (!raw) {  // a relative path is taken inside the work tree, with its filters
    return git_repository_hashfile(&out, repo, path.c_str(), GIT_OBJECT_BLOB, nullptr) == 0;
  }
  std::string content;
  if (!read_raw(fs::path(git_repository_workdir(repo)) / path, content)) return false;
  return git_odb_hash(&out, content.data(), content.size(), GIT_OBJECT_BLOB) == 0;
}

git_oid store_working_file(git_repository* repo, const std::string& path, bool raw) {
  git_oid id;
  if (!raw) {
    check(git_blob_create_from_workdir(&id, repo, path.c_str()), "cannot store " + path);
    return id;
  }
  std::string content;
  if (!read_raw(fs::path(git_repository_workdir(repo)) / path, content)) {
    throw core::Error(core::ExitCode::vcs, "cannot read " + path, "is it still there?");
  }
  check(git_blob_create_from_buffer(&id, repo, content.data(), content.size()),
        "cannot store " + path);
  return id;
}

}  // namespace factory::vcs
