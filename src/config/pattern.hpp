#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace factory::config {

// A regular expression written in a contract (acceptance checks), compiled with PCRE2:
// Perl syntax, UTF-8, ^ and $ match at line ends. Matching has bounded work and no recursion on
// the C++ stack, so a pathological pattern on a huge input is an error, never a crash.
class Pattern {
 public:
  // Compiles `pattern`; throws std::invalid_argument with PCRE2's message and offset.
  explicit Pattern(std::string_view pattern);
  ~Pattern();
  Pattern(Pattern&&) noexcept;
  Pattern& operator=(Pattern&&) noexcept;

  // Whether the pattern matches somewhere in `text`. Throws std::runtime_error when PCRE2 gives
  // up (match or depth limit reached).
  bool search(std::string_view text) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Why `pattern` does not compile ("missing closing parenthesis at offset 4"); nullopt when it does.
std::optional<std::string> pattern_error(std::string_view pattern);

}  // namespace factory::config
