#include "vcs/git_handles.hpp"

#include <mutex>

namespace factory::vcs {

void ensure_libgit2() {
  static std::once_flag once;
  std::call_once(once, [] { git_libgit2_init(); });
}

std::string git_message() {
  const git_error* e = git_error_last();
  return e && e->message ? e->message : "unknown error";
}

int check(int rc, std::string_view what, std::string_view hint) {
  if (rc >= 0) return rc;
  std::string message = std::string(what) + ": " + git_message();
  // Keep the one-line promise of core::Error even when libgit2 reports several lines.
  if (auto nl = message.find('\n'); nl != std::string::npos) message.resize(nl);
  throw core::Error(core::ExitCode::vcs, message, std::string(hint));
}

std::string oid_hex(const git_oid& oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &oid);
  return buf;
}

}  // namespace factory::vcs
