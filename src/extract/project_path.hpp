#pragma once

#include <filesystem>
#include <string_view>

namespace factory::extract {

// Whether a stack frame's file is the project's own code rather than a standard library,
// site-/dist-packages, GOROOT, the Go module cache, the cargo registry or /rustc/. With a root,
// an absolute path must also lie under it.
bool is_project_path(std::string_view file, const std::filesystem::path& root);

}  // namespace factory::extract
