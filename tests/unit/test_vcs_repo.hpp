#pragma once
// Throw-away git repositories for the vcs unit tests (the git CLI is used for set-up and checks).

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

namespace factory::vcs::testing {

namespace fs = std::filesystem;

// Sets (or, with nullptr, unsets) environment variables for one test, and restores them.
struct EnvGuard {
  std::map<std::string, std::optional<std::string>> saved;
  void set(const std::string& name, const char* value) {
    if (!saved.count(name)) {
      const char* old = std::getenv(name.c_str());
      saved[name] = old ? std::optional<std::string>(old) : std::nullopt;
    }
    if (value) {
      setenv(name.c_str(), value, 1);
    } else {
      unsetenv(name.c_str());
    }
  }
  ~EnvGuard() {
    for (const auto& [name, value] : saved) {
      if (value) {
        setenv(name.c_str(), value->c_str(), 1);
      } else {
        unsetenv(name.c_str());
      }
    }
  }
};

// A directory under /tmp removed with everything in it at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "factory-vcs-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// Runs a shell command and returns its stdout; throws when it fails.
inline std::string sh(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("popen failed");
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
  if (pclose(pipe) != 0) throw std::runtime_error(command + " failed: " + out);
  return out;
}

inline std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

inline void write_file(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in{p, std::ios::binary};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A repository at <tmp>/repo with one commit: src/a.py, README, .gitignore ignoring *.log.
struct GitRepo {
  TempDir tmp;
  fs::path root = tmp.path / "repo";

  GitRepo() {
    fs::create_directories(root);
    git("init -q -b main");
    git("config user.name Tester");
    git("config user.email tester@example.com");
    write_file(root / "src/a.py", "def a():\n    return 1\n");
    write_file(root / "README", "hello\n");
    write_file(root / ".gitignore", "*.log\n");
    git("add -A");
    git("commit -q -m initial");
  }

  // `git -C <dir> <args>`; the output without the final newline.
  std::string git(const std::string& args, const fs::path& dir = {}) const {
    return trim(sh("git -C '" + (dir.empty() ? root : dir).string() + "' " + args));
  }
  std::string status(const fs::path& dir = {}) const { return git("status --porcelain", dir); }
};

}  // namespace factory::vcs::testing
