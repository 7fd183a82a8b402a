#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace factory::vcs {

// git's user.name and user.email as a commit in `dir`'s repository would see them (repository,
// global and system config); each nullopt when unset. Outside a repository: the global config.
struct GitIdentity {
  std::optional<std::string> name;
  std::optional<std::string> email;
};

GitIdentity git_identity(const std::filesystem::path& dir);

}  // namespace factory::vcs
