#include "core/actor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "core/lines.hpp"

namespace factory::core {

namespace {

// The CI systems factory recognises: the variable that says we are in it, and its actor variable.
constexpr std::array<std::pair<const char*, const char*>, 4> k_ci_actors = {{
    {"GITHUB_ACTIONS", "GITHUB_ACTOR"},
    {"GITLAB_CI", "GITLAB_USER_LOGIN"},
    {"BUILDKITE", "BUILDKITE_BUILD_CREATOR"},
    {"CIRCLECI", "CIRCLE_USERNAME"},
}};

// The length of the UTF-8 sequence at text[i], or 0 when it is not valid UTF-8 (overlong forms,
// surrogates and code points past U+10FFFF included).
size_t utf8_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  constexpr uint32_t k_min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < k_min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// The text with each byte that is not UTF-8 replaced by U+FFFD: the actor is hashed into the
// audit trail as stored, so it must read back the same through any UTF-8 tool.
std::string valid_utf8(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    size_t n = utf8_length(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

// FACTORY_ACTOR as a person writes it: "Name <email>", a bare email, or a name.
Actor explicit_actor(const std::string& value) {
  size_t open = value.rfind('<');
  if (open != std::string::npos && value.back() == '>') {
    return {trimmed(value.substr(0, open)),
            trimmed(value.substr(open + 1, value.size() - open - 2)), "FACTORY_ACTOR"};
  }
  if (value.find('@') != std::string::npos && value.find(' ') == std::string::npos) {
    return {"", value, "FACTORY_ACTOR"};
  }
  return {value, "", "FACTORY_ACTOR"};
}

// GITHUB_ACTIONS=false (set by hand to run a workflow's script locally) is not CI.
bool marker_set(const std::optional<std::string>& value) {
  if (!value) return false;
  const std::string v = value.value();
  return !(v == "false" || v == "0" || v == "no");
}

std::string lowered(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// A value that is only blanks counts as unset.
std::optional<std::string> non_blank(std::optional<std::string> value) {
  if (!value) return std::nullopt;
  std::string text = trimmed(*value);
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

Actor resolve_unchecked(const ActorSources& sources) {
  auto env = [&](const std::string& name) {
    return non_blank(sources.env ? sources.env(name) : std::nullopt);
  };
  if (auto value = env("FACTORY_ACTOR")) return explicit_actor(*value);
  for (const auto& [marker, variable] : k_ci_actors) {
    if (!marker_set(env(marker))) continue;
    if (auto login = env(variable)) return {*login, "", variable, true};
  }
  auto git_name = non_blank(sources.git_name), git_email = non_blank(sources.git_email);
  if (git_name || git_email) return {git_name.value_or(""), git_email.value_or(""), "git"};
  if (auto user = non_blank(sources.os_user)) return {*user, "", "os"};
  return {"unknown", "", "os"};
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
  Actor actor = resolve_unchecked(sources);
  actor.name = valid_utf8(actor.name);
  actor.email = valid_utf8(actor.email);
  return actor;
}

}  // namespace factory::core
