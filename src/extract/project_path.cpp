#include "extract/project_path.hpp"

#include <array>

namespace factory::extract {

namespace {

// Path fragments of code that belongs to a toolchain or a dependency, not to the project.
constexpr std::array<std::string_view, 20> k_library_markers = {
    "/site-packages/", "/dist-packages/", "/lib/python2",
    "/lib/python3",    "/lib64/python3",  "<frozen ",
    "<string>",        "/usr/lib/go",     "/usr/local/go/",
    "/go/pkg/mod/",    "/GOROOT/",        "/.cargo/registry/",
    "/.cargo/git/",    "/rustc/",         "/.rustup/toolchains/",
    "/usr/include/",   "/node_modules/",  "/usr/lib/gcc/",
    "/share/cmake-",   "/usr/src/rustc-",
};

}  // namespace

bool is_project_path(std::string_view file, const std::filesystem::path& root) {
  if (file.empty()) return false;
  for (auto marker : k_library_markers) {
    if (file.find(marker) != std::string_view::npos) return false;
  }
  // Go prints standard-library frames relative to GOROOT in some traces ("runtime/panic.go").
  if (file.starts_with("runtime/") || file.starts_with("testing/")) return false;
  if (root.empty() || file.front() != '/') return true;
  std::string base = root.lexically_normal().string();
  if (!base.empty() && base.back() == '/') base.pop_back();
  return file.starts_with(base) && (file.size() == base.size() || file[base.size()] == '/');
}

}  // namespace factory::extract
