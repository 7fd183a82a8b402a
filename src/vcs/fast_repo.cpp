// Finding a hook's repository without libgit2: the environment git gives hooks, .git discovery,
// the few config keys that change where things are, and HEAD. Anything unusual is Unsupported.
#include "vcs/fast_repo.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/lines.hpp"

namespace factory::vcs {

namespace {

constexpr int k_max_symref_depth = 5;

std::optional<std::string> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

const char* env(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? value : nullptr;
}

fs::path canonical_dir(const fs::path& p) {
  std::error_code ec;
  fs::path out = fs::canonical(p, ec);
  if (ec) throw Unsupported("cannot resolve " + p.string());
  return out;
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

bool is_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// The target of a "gitdir: <path>" file, relative paths taken from the file's folder.
fs::path read_gitfile(const fs::path& file) {
  auto text = read_text(file);
  const std::string prefix = "gitdir: ";
  if (!text || text->rfind(prefix, 0) != 0)
    throw Unsupported("not a gitdir file: " + file.string());
  fs::path target = core::trimmed(std::string_view(*text).substr(prefix.size()));
  if (target.empty()) throw Unsupported("empty gitdir file: " + file.string());
  return target.is_absolute() ? target : file.parent_path() / target;
}

bool config_bool(const std::optional<std::string>& value) {
  if (!value) return true;  // "key" alone means true
  const std::string v = lower(*value);
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0" || v.empty()) return false;
  throw Unsupported("not a boolean in the git config: " + *value);
}

// The value part of a config line: comments dropped, quotes and simple escapes resolved.
std::string config_value(std::string_view raw) {
  std::string out;
  bool quoted = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && (c == '#' || c == ';')) {
      break;
    } else if (c == '\\') {
      if (++i >= raw.size()) throw Unsupported("config value continued on the next line");
      char e = raw[i];
      out += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'b' ? '\b' : e;
    } else {
      out += c;
    }
  }
  if (quoted) throw Unsupported("unterminated quote in the git config");
  return core::trimmed(out);
}

// Vets one config file for what would make this reader's answer differ from libgit2's.
// Returns whether extensions.worktreeConfig is on.
bool vet_config(const fs::path& file) {
  auto text = read_text(file);
  if (!text) return false;
  std::istringstream lines(*text);
  std::string line, section;
  bool worktree_config = false;
  while (std::getline(lines, line)) {
    std::string t = core::trimmed(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t[0] == '[') {
      size_t close = t.find(']');
      if (close == std::string::npos) throw Unsupported("malformed section in " + file.string());
      std::string rest = core::trimmed(t.substr(close + 1));
      if (!rest.empty() && rest[0] != '#' && rest[0] != ';') {
        throw Unsupported("a key on a section line in " + file.string());
      }
      std::string head = t.substr(1, close - 1);
      size_t split = head.find_first_of(" \t\"");
      section = split == std::string::npos ? lower(head) : lower(head.substr(0, split)) + ".sub";
      const std::string base = section.substr(0, section.find('.'));
      if (base == "include" || base == "includeif") {
        throw Unsupported("the git config includes other files");
      }
      continue;
    }
    size_t eq = t.find('=');
    const std::string key = lower(core::trimmed(t.substr(0, eq)));
    std::optional<std::string> value;
    if (eq != std::string::npos) value = config_value(std::string_view(t).substr(eq + 1));
    if (section == "core") {
      if (key == "repositoryformatversion" && value && *value != "0" && *value != "1") {
        throw Unsupported("repository format version " + *value);
      }
      if (key == "bare" && config_bool(value)) throw Unsupported("a bare repository");
      if (key == "worktree") throw Unsupported("core.worktree is set");
      if (key == "ignorecase" && config_bool(value)) throw Unsupported("core.ignorecase is on");
    } else if (section == "extensions") {
      const std::string v = value ? lower(*value) : "";
      if (key == "worktreeconfig") {
        worktree_config = config_bool(value);
      } else if (!(key == "noop" || (key == "objectformat" && v == "sha1") ||
                   (key == "refstorage" && v == "files"))) {
        throw Unsupported("extensions." + key + " is set");
      }
    }
  }
  return worktree_config;
}

// A git dir has a HEAD; its common dir has the objects.
bool looks_like_git_dir(const fs::path& dir) {
  if (!is_file(dir / "HEAD")) return false;
  return is_file(dir / "commondir") || is_dir(dir / "objects");
}

// Discovery from the current directory, as libgit2 does it: <dir>/.git (a folder, or a gitdir
// file), then the parent, never across a file system boundary. The git dir and the folder it
// was found in.
std::pair<fs::path, fs::path> discover() {
  if (env("GIT_CEILING_DIRECTORIES") || env("GIT_DISCOVERY_ACROSS_FILESYSTEM")) {
    throw Unsupported("custom repository discovery");
  }
  fs::path dir = canonical_dir(fs::current_path());
  struct stat first {};
  if (::stat(dir.c_str(), &first) != 0) throw Unsupported("cannot stat the current directory");
  while (true) {
    const fs::path dot_git = dir / ".git";
    if (is_dir(dot_git) && looks_like_git_dir(dot_git)) return {dot_git, dir};
    if (is_file(dot_git)) return {read_gitfile(dot_git), dir};
    if (looks_like_git_dir(dir)) throw Unsupported("inside a git dir, not a worktree");
    if (!dir.has_parent_path() || dir.parent_path() == dir) throw Unsupported("no repository");
    dir = dir.parent_path();
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || st.st_dev != first.st_dev) {
      throw Unsupported("repository discovery would cross a file system boundary");
    }
  }
}

// A ref's name is safe to use as a path under a git dir.
void check_ref_name(const std::string& name) {
  if (name.empty() || name.rfind("refs/", 0) != 0 || name.find("..") != std::string::npos ||
      name.find("//") != std::string::npos || name.back() == '/' ||
      name.find_first_of("\\ ~^:?*[\n\r\t") != std::string::npos) {
    throw Unsupported("unusual ref name: " + name);
  }
}

// The id a packed ref has, or nullopt when packed-refs does not list it.
std::optional<Oid> packed_ref(const fs::path& common_dir, const std::string& name) {
  auto text = read_text(common_dir / "packed-refs");
  if (!text) return std::nullopt;
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#' || line[0] == '^') continue;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() < 42 || line[40] != ' ') throw Unsupported("malformed packed-refs");
    if (std::string_view(line).substr(41) == name) return oid_from_hex(line.substr(0, 40));
  }
  return std::nullopt;
}

}  // namespace

RepoLayout layout_from_env() {
  for (const char* name : {"GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY",
                           "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE"}) {
    if (env(name)) throw Unsupported(std::string(name) + " is set");
  }
  RepoLayout layout;
  fs::path parent;  // the folder holding .git, when that is how the repository was found
  if (const char* git_dir = env("GIT_DIR")) {
    fs::path p = fs::absolute(git_dir);
    std::error_code ec;
    if (fs::exists(p / ".git", ec) || ec) throw Unsupported("GIT_DIR holds a .git of its own");
    layout.git_dir = is_file(p) ? read_gitfile(p) : p;
    parent = layout.git_dir.parent_path();
  } else {
    std::tie(layout.git_dir, parent) = discover();
  }
  if (!looks_like_git_dir(layout.git_dir))
    throw Unsupported("not a git dir: " + layout.git_dir.string());
  layout.git_dir = canonical_dir(layout.git_dir);
  layout.linked = is_file(layout.git_dir / "commondir");
  layout.common_dir = layout.git_dir;
  if (layout.linked) {
    fs::path common = core::trimmed(read_text(layout.git_dir / "commondir").value_or(""));
    if (common.empty()) throw Unsupported("empty commondir file");
    layout.common_dir = canonical_dir(common.is_absolute() ? common : layout.git_dir / common);
  }
  if (!is_dir(layout.common_dir / "objects")) throw Unsupported("no objects folder");
  if (vet_config(layout.common_dir / "config")) vet_config(layout.git_dir / "config.worktree");

  if (const char* work_tree = env("GIT_WORK_TREE")) {
    layout.workdir = canonical_dir(work_tree);
  } else if (layout.linked) {  // libgit2 trusts the admin dir's gitdir file, not the cwd
    auto link = read_text(layout.git_dir / "gitdir");
    if (!link || core::trimmed(*link).empty()) throw Unsupported("worktree without a gitdir file");
    fs::path dot_git = core::trimmed(*link);
    if (dot_git.is_relative()) dot_git = layout.git_dir / dot_git;
    layout.workdir = canonical_dir(dot_git.parent_path());
  } else {
    layout.workdir = canonical_dir(parent);
  }
  if (layout.common_dir.filename() == ".git") {
    layout.main_root = layout.common_dir.parent_path();
  } else if (!layout.linked) {
    layout.main_root = layout.workdir;
  } else {
    throw Unsupported("worktrees of a repository whose common dir is not named .git");
  }
  const char* index = env("GIT_INDEX_FILE");
  layout.index_file = index ? fs::path(index) : layout.git_dir / "index";
  return layout;
}

HeadState read_head(const RepoLayout& layout) {
  const fs::path head_file = layout.git_dir / "HEAD";
  std::error_code ec;
  if (fs::is_symlink(head_file, ec)) throw Unsupported("HEAD is a symbolic link");
  std::string content = core::trimmed(read_text(head_file).value_or(""));
  HeadState head;
  const std::string symref = "ref: ";
  if (content.rfind(symref, 0) != 0) {  // detached
    head.commit = oid_from_hex(content);
    return head;
  }
  std::string name = core::trimmed(std::string_view(content).substr(symref.size()));
  const std::string heads = "refs/heads/";
  head.branch = name.rfind(heads, 0) == 0 ? name.substr(heads.size()) : name;
  for (int depth = 0; depth < k_max_symref_depth; ++depth) {
    check_ref_name(name);
    if (name.rfind("refs/heads/", 0) != 0 && name.rfind("refs/tags/", 0) != 0 &&
        name.rfind("refs/remotes/", 0) != 0) {
      throw Unsupported("HEAD points at " + name);  // per-worktree refs live elsewhere
    }
    auto loose = read_text(layout.common_dir / name);
    if (!loose) {
      if (is_dir(layout.common_dir / name)) throw Unsupported("ref is a folder: " + name);
      head.commit = packed_ref(layout.common_dir, name);  // nullopt: an unborn branch
      return head;
    }
    std::string text = core::trimmed(*loose);
    if (text.rfind(symref, 0) != 0) {
      head.commit = oid_from_hex(text);
      return head;
    }
    name = core::trimmed(std::string_view(text).substr(symref.size()));
  }
  throw Unsupported("symbolic refs nested too deeply");
}

}  // namespace factory::vcs
