#include "vcs/git_identity.hpp"

#include "vcs/git_handles.hpp"

namespace factory::vcs {

namespace {

using ConfigPtr = std::unique_ptr<git_config, GitFree<git_config, git_config_free>>;

std::optional<std::string> config_string(git_config* config, const char* key) {
  git_buf buf = GIT_BUF_INIT;
  if (git_config_get_string_buf(&buf, config, key) < 0) return std::nullopt;
  std::string value(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  if (value.empty()) return std::nullopt;
  return value;
}

}  // namespace

GitIdentity git_identity(const std::filesystem::path& dir) {
  ensure_libgit2();
  git_config* raw = nullptr;
  git_repository* repo = nullptr;
  if (git_repository_open_ext(&repo, dir.c_str(), 0, nullptr) == 0) {
    RepoPtr owned(repo);
    if (git_repository_config_snapshot(&raw, repo) < 0) raw = nullptr;
  }
  if (!raw && git_config_open_default(&raw) < 0) return {};
  ConfigPtr config(raw);
  return {config_string(config.get(), "user.name"), config_string(config.get(), "user.email")};
}

}  // namespace factory::vcs
