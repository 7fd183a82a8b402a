#include "contract/hook_script.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>

#include "core/error.hpp"

namespace factory::contract {

namespace {

constexpr std::string_view k_marker = "# factory-hook: ";

std::string_view template_text(std::string_view name) {
  for (const auto& hook : embedded_hooks()) {
    if (hook.name == name) return hook.text;
  }
  throw Error(ExitCode::failed, "hook template '" + std::string(name) + "' is not embedded",
              "this is a bug in factory's build; please report it");
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// Fills @NAME@ placeholders in one pass, so a value that happens to contain a placeholder's
// spelling is never substituted again.
std::string fill(std::string_view text,
                 std::initializer_list<std::pair<std::string_view, std::string>> values) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t at = text.find('@', start);
    if (at == std::string_view::npos) break;
    bool matched = false;
    for (const auto& [name, value] : values) {
      if (text.substr(at, name.size()) == name) {
        out.append(text.substr(start, at - start)).append(value);
        start = at + name.size();
        matched = true;
        break;
      }
    }
    if (!matched) {
      out.append(text.substr(start, at + 1 - start));
      start = at + 1;
    }
  }
  return out.append(text.substr(std::min(start, text.size())));
}

}  // namespace

std::optional<HookMarker> parse_marker(std::string_view script) {
  // The marker sits right below the shebang; looking at the first few lines is enough.
  size_t start = 0;
  for (int line = 0; line < 3 && start < script.size(); ++line) {
    size_t end = script.find('\n', start);
    if (end == std::string_view::npos) end = script.size();
    std::string_view text = script.substr(start, end - start);
    start = end + 1;
    if (text.substr(0, k_marker.size()) != k_marker) continue;
    text.remove_prefix(k_marker.size());
    size_t v = text.rfind(" v");
    if (v == std::string_view::npos) return std::nullopt;
    HookMarker marker{std::string(text.substr(0, v)), 0};
    std::string_view digits = text.substr(v + 2);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), marker.version);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
    return marker;
  }
  return std::nullopt;
}

std::optional<HookMarker> read_marker(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string head(512, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  return parse_marker(head);
}

int dispatcher_version() {
  static const int version = parse_marker(template_text("pre-commit")).value().version;
  return version;
}

std::string sh_quote(std::string_view text) {
  return "'" + replace_all(std::string(text), "'", "'\\''") + "'";
}

fs::path fast_hook_binary(const fs::path& factory_binary) {
  return factory_binary.parent_path() / "factory-hook";
}

std::string render_dispatcher(const fs::path& factory_binary,
                              const std::optional<fs::path>& chained) {
  return fill(template_text("pre-commit"),
              {{"@USER_HOOK@", sh_quote(chained ? chained->string() : "")},
               {"@FACTORY_BIN@", sh_quote(factory_binary.string())},
               {"@FACTORY_HOOK_BIN@", sh_quote(fast_hook_binary(factory_binary).string())}});
}

std::string render_pass_through(const fs::path& target) {
  return fill(template_text("pass-through"), {{"@USER_HOOK@", sh_quote(target.string())}});
}

const std::vector<std::string_view>& git_hook_names() {
  static const std::vector<std::string_view> k_names = {"applypatch-msg",
                                                        "pre-applypatch",
                                                        "post-applypatch",
                                                        "pre-commit",
                                                        "pre-merge-commit",
                                                        "prepare-commit-msg",
                                                        "commit-msg",
                                                        "post-commit",
                                                        "pre-rebase",
                                                        "post-checkout",
                                                        "post-merge",
                                                        "pre-push",
                                                        "pre-receive",
                                                        "update",
                                                        "proc-receive",
                                                        "post-receive",
                                                        "post-update",
                                                        "reference-transaction",
                                                        "push-to-checkout",
                                                        "pre-auto-gc",
                                                        "post-rewrite",
                                                        "sendemail-validate",
                                                        "fsmonitor-watchman",
                                                        "p4-changelist",
                                                        "p4-prepare-changelist",
                                                        "p4-post-changelist",
                                                        "p4-pre-submit",
                                                        "post-index-change"};
  return k_names;
}

}  // namespace factory::contract
