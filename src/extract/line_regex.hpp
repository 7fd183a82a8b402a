#pragma once

#include <re2/re2.h>

namespace factory::extract {

// How every pattern's regex is compiled, for checking it and for using it: Latin-1, so any byte
// sequence (invalid UTF-8, binary) is matchable text; never_nl, so nothing matches across lines;
// a memory bound per regex.
inline RE2::Options line_regex_options() {
  RE2::Options options;
  options.set_encoding(RE2::Options::EncodingLatin1);
  options.set_never_nl(true);
  options.set_log_errors(false);
  options.set_max_mem(16 << 20);
  return options;
}

}  // namespace factory::extract
