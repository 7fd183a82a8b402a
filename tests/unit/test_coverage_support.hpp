#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "coverage/readers.hpp"

// Shared by the coverage unit tests: fixture files and throw-away workspaces.
namespace coverage_test {

namespace fs = std::filesystem;

inline const fs::path k_fixtures = fs::path(FACTORY_SOURCE_DIR) / "tests" / "corpus" / "coverage";

inline std::string read_fixture(const std::string& name) {
  std::ifstream in(k_fixtures / name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Options for a report read away from its workspace: paths are only normalised.
inline factory::coverage::ReadOptions detached() {
  factory::coverage::ReadOptions options;
  options.require_existing = false;
  return options;
}

// A temporary folder holding `files` (path -> content), removed when it goes.
class Workspace {
 public:
  Workspace() {
    static int counter = 0;
    m_root = fs::temp_directory_path() /
             ("factory-cov-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    fs::remove_all(m_root);
    fs::create_directories(m_root);
  }
  ~Workspace() {
    std::error_code ec;
    fs::remove_all(m_root, ec);
  }
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  void write(const std::string& path, const std::string& content) const {
    fs::create_directories((m_root / path).parent_path());
    std::ofstream(m_root / path, std::ios::binary) << content;
  }
  const fs::path& root() const { return m_root; }
  factory::coverage::ReadOptions options() const {
    factory::coverage::ReadOptions o;
    o.repo_root = m_root;
    return o;
  }

 private:
  fs::path m_root;
};

}  // namespace coverage_test
