#include "core/actor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace factory::core {

namespace {

// The CI systems factory recognises: the variable that says we are in it, and its actor variable.
constexpr std::array<std::pair<const char*, const char*>, 4> k_ci_actors = {{
    {"GITHUB_ACTIONS", "GITHUB_ACTOR"},
    {"GITLAB_CI", "GITLAB_USER_LOGIN"},
    {"BUILDKITE", "BUILDKITE_BUILD_CREATOR"},
    {"CIRCLECI", "CIRCLE_USERNAME"},
}};

std::string lowered(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string Actor::recorded() const {
  std::string who = name.empty()    ? email
                    : email.empty() ? name
                                    : fmt::format("{} <{}>", name, email);
  return ci ? fmt::format("{} (ci: {})", who, source) : who;
}

bool Actor::matches(const std::string& approver) const {
  if (approver.empty()) return false;
  if (approver == name || approver == recorded()) return true;
  return !email.empty() && lowered(approver) == lowered(email);
}

Actor resolve_actor(const ActorSources& sources) {
  auto env = [&](const std::string& name) {
    return sources.env ? sources.env(name) : std::nullopt;
  };
  if (auto explicit_actor = env("FACTORY_ACTOR")) return {*explicit_actor, "", "FACTORY_ACTOR"};
  for (const auto& [marker, variable] : k_ci_actors) {
    if (!env(marker)) continue;
    if (auto login = env(variable)) return {*login, "", variable, true};
  }
  if (sources.git_name || sources.git_email) {
    return {sources.git_name.value_or(""), sources.git_email.value_or(""), "git"};
  }
  if (sources.os_user) return {*sources.os_user, "", "os"};
  return {"unknown", "", "os"};
}

}  // namespace factory::core
