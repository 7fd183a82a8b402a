#include "pipeline/actor.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "vcs/git_identity.hpp"

namespace factory::pipeline {

namespace {

std::optional<std::string> env_value(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

std::optional<std::string> os_user() {
  if (auto user = env_value("USER")) return user;
  if (auto user = env_value("LOGNAME")) return user;
  if (const passwd* entry = getpwuid(geteuid()); entry && entry->pw_name && *entry->pw_name) {
    return std::string(entry->pw_name);
  }
  return std::nullopt;
}

}  // namespace

core::Actor current_actor(const std::filesystem::path& dir) {
  core::ActorSources sources;
  sources.env = env_value;
  auto identity = vcs::git_identity(dir);
  sources.git_name = identity.name;
  sources.git_email = identity.email;
  sources.os_user = os_user();
  return core::resolve_actor(sources);
}

}  // namespace factory::pipeline
