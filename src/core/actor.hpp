#pragma once

#include <functional>
#include <optional>
#include <string>

namespace factory::core {

// Who is acting: recorded with every decision and matched against a contract's approvers.
struct Actor {
  std::string name;    // user name, login or the FACTORY_ACTOR value
  std::string email;   // from git user.email, when known
  std::string source;  // FACTORY_ACTOR | git | os | the CI variable it came from
  bool ci = false;     // taken from a CI system's actor variable

  // The text written to the audit trail: "name <email>", and "(ci: VAR)" after a CI actor.
  std::string recorded() const;
  // Whether an approvers-list entry names this actor: the name, the email (letter case
  // ignored) or the recorded text.
  bool matches(const std::string& approver) const;
};

// What the actor is resolved from; each lookup returns nullopt when unset or empty.
struct ActorSources {
  std::function<std::optional<std::string>(const std::string&)> env;
  std::optional<std::string> git_name;
  std::optional<std::string> git_email;
  std::optional<std::string> os_user;
};

// FACTORY_ACTOR, else the CI's actor variable when running in CI (GitHub Actions, GitLab CI,
// Buildkite, CircleCI), else git user.name/user.email, else the OS user, else "unknown".
Actor resolve_actor(const ActorSources& sources);

}  // namespace factory::core
