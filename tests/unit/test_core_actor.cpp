#include <doctest/doctest.h>

#include <map>

#include "core/actor.hpp"

using factory::core::ActorSources;
using factory::core::resolve_actor;

namespace {

// Sources whose environment holds exactly `vars`.
ActorSources with_env(std::map<std::string, std::string> vars) {
  ActorSources sources;
  sources.env = [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  return sources;
}

}  // namespace

TEST_CASE("FACTORY_ACTOR wins over CI, git and the OS user") {
  auto sources = with_env(
      {{"FACTORY_ACTOR", "release-bot"}, {"GITHUB_ACTIONS", "true"}, {"GITHUB_ACTOR", "octocat"}});
  sources.git_name = "Lewis";
  sources.os_user = "root";
  auto actor = resolve_actor(sources);
  CHECK(actor.recorded() == "release-bot");
  CHECK(actor.source == "FACTORY_ACTOR");
  CHECK_FALSE(actor.ci);
}

TEST_CASE("in GitHub Actions the actor is GITHUB_ACTOR, marked as coming from CI") {
  auto sources = with_env({{"GITHUB_ACTIONS", "true"}, {"GITHUB_ACTOR", "octocat"}});
  sources.git_name = "Lewis";
  auto actor = resolve_actor(sources);
  CHECK(actor.ci);
  CHECK(actor.recorded() == "octocat (ci: GITHUB_ACTOR)");
  CHECK(actor.matches("octocat"));
}

TEST_CASE("an actor variable without its CI marker is not trusted as CI") {
  auto sources = with_env({{"GITHUB_ACTOR", "octocat"}});
  sources.git_name = "Lewis";
  CHECK(resolve_actor(sources).recorded() == "Lewis");
}

TEST_CASE("git identity records name and email; approvers match either") {
  auto sources = with_env({});
  sources.git_name = "Lewis Carroll";
  sources.git_email = "Lewis@Example.com";
  sources.os_user = "root";
  auto actor = resolve_actor(sources);
  CHECK(actor.recorded() == "Lewis Carroll <Lewis@Example.com>");
  CHECK(actor.matches("Lewis Carroll"));
  CHECK(actor.matches("lewis@example.com"));
  CHECK(actor.matches("Lewis Carroll <Lewis@Example.com>"));
  CHECK_FALSE(actor.matches("lewis"));
  CHECK_FALSE(actor.matches(""));
}

TEST_CASE("without git identity the OS user acts, and without one 'unknown'") {
  auto sources = with_env({});
  sources.os_user = "ana";
  CHECK(resolve_actor(sources).recorded() == "ana");
  CHECK(resolve_actor(sources).source == "os");
  CHECK(resolve_actor(with_env({})).recorded() == "unknown");
}

TEST_CASE("FACTORY_ACTOR as 'Name <email>' or a bare email matches approvers by email") {
  auto actor = resolve_actor(with_env({{"FACTORY_ACTOR", "Lewis Hamilton <lewis@example.com>"}}));
  CHECK(actor.name == "Lewis Hamilton");
  CHECK(actor.email == "lewis@example.com");
  CHECK(actor.recorded() == "Lewis Hamilton <lewis@example.com>");
  CHECK(actor.matches("Lewis@Example.com"));
  auto by_email = resolve_actor(with_env({{"FACTORY_ACTOR", "lewis@example.com"}}));
  CHECK(by_email.recorded() == "lewis@example.com");
  CHECK(by_email.matches("LEWIS@example.com"));
  CHECK_FALSE(by_email.matches("lewis"));
}

TEST_CASE("a blank FACTORY_ACTOR is unset, and GITHUB_ACTIONS=false is not CI") {
  auto sources = with_env(
      {{"FACTORY_ACTOR", "   "}, {"GITHUB_ACTIONS", "false"}, {"GITHUB_ACTOR", "octocat"}});
  sources.git_name = "Lewis";
  auto actor = resolve_actor(sources);
  CHECK(actor.recorded() == "Lewis");
  CHECK(actor.source == "git");
  CHECK_FALSE(actor.ci);
}

TEST_CASE("an actor that is not UTF-8 is recorded with U+FFFD, so any tool reads it back") {
  auto actor = resolve_actor(with_env({{"FACTORY_ACTOR", "mal\xfflory"}}));
  CHECK(actor.recorded() == "mal\xef\xbf\xbdlory");
  // valid multi-byte text is kept as it is
  CHECK(resolve_actor(with_env({{"FACTORY_ACTOR", "Łukasz ✓"}})).recorded() == "Łukasz ✓");
  // an overlong encoding of '/' is not UTF-8
  CHECK(resolve_actor(with_env({{"FACTORY_ACTOR", "a\xc0\xaf"}})).recorded() ==
        "a\xef\xbf\xbd\xef\xbf\xbd");
}
