#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "contract/boundary.hpp"

using factory::contract::check_boundaries;
using factory::contract::normalize_path;
using factory::contract::PathChange;
using factory::contract::Violation;
using factory::core::Boundaries;

namespace {

Boundaries bounds(std::vector<std::string> allowed, std::vector<std::string> forbidden = {}) {
  Boundaries b;
  b.allowed_files = std::move(allowed);
  b.forbidden_files = std::move(forbidden);
  return b;
}

// The violation for one changed path, or "" when it is allowed.
std::string reason_for(const Boundaries& b, const std::string& path, char kind = 'M') {
  auto found = check_boundaries(b, {PathChange{path, kind, std::nullopt}});
  REQUIRE(found.size() <= 1);
  return found.empty() ? "" : found.front().reason;
}

std::string symlink_reason(const Boundaries& b, const std::string& link, const std::string& to) {
  auto found = check_boundaries(b, {PathChange{link, 'A', to}});
  REQUIRE(found.size() <= 1);
  return found.empty() ? "" : found.front().reason;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("normalize_path resolves '.', '..' and duplicate slashes lexically") {
  CHECK(normalize_path("src/a.py") == "src/a.py");
  CHECK(normalize_path("./src//a.py") == "src/a.py");
  CHECK(normalize_path("src/x/../a.py") == "src/a.py");
  CHECK(normalize_path("src/") == "src");
  CHECK(normalize_path("a/..") == "");
  CHECK_FALSE(normalize_path("../x").has_value());
  CHECK_FALSE(normalize_path("src/../../x").has_value());
  CHECK_FALSE(normalize_path("/etc/passwd").has_value());
  // Names that merely contain dots are ordinary names.
  CHECK(normalize_path("..hidden/x...y") == "..hidden/x...y");
}

TEST_CASE("allowed and forbidden globs, forbidden wins") {
  auto b = bounds({"src/**", "tests/**"}, {"src/secrets/**"});
  CHECK(reason_for(b, "src/app.py").empty());
  CHECK(reason_for(b, "tests/unit/test_app.py").empty());
  CHECK(contains(reason_for(b, "docs/readme.md"), "not in allowed_files (src/**, tests/**)"));
  CHECK(reason_for(b, "src/secrets/key.pem") == "matches forbidden glob 'src/secrets/**'");
}

TEST_CASE("deletions and both sides of a rename count like any change") {
  auto b = bounds({"src/**"}, {"secrets/**"});
  CHECK(contains(reason_for(b, "secrets/old.key", 'D'), "forbidden"));
  auto found = check_boundaries(b, {PathChange{"src/a.txt", 'D', std::nullopt},
                                    PathChange{"secrets/a.txt", 'A', std::nullopt}});
  REQUIRE(found.size() == 1);
  CHECK(found[0].path == "secrets/a.txt");
}

TEST_CASE("an empty allowed list allows nothing and says so") {
  auto b = bounds({});
  CHECK(contains(reason_for(b, "README.md"), "allowed_files is empty"));
}

TEST_CASE("the default boundaries allow everything but factory's own state") {
  Boundaries b;
  CHECK(reason_for(b, "any/where/file.txt").empty());
  CHECK(contains(reason_for(b, ".factory/task/contract.yaml"), "contract"));
  CHECK(contains(reason_for(b, ".factory"), ".factory/"));
  CHECK(contains(reason_for(b, ".Factory/task/contract.yaml"), ".factory/"));
  CHECK(contains(reason_for(b, "src/../.factory/t/contract.yaml"), ".factory/"));
  CHECK(reason_for(b, ".factory-notes.md").empty());
  CHECK(reason_for(b, "docs/.factory/x").empty());
}

TEST_CASE("negation un-matches an earlier match, in order") {
  auto b = bounds({"src/**", "!src/generated/**"}, {"config/**", "!config/local.yaml"});
  CHECK(reason_for(b, "src/a.c").empty());
  CHECK(reason_for(b, "src/generated/b.c") == "excluded from allowed_files by '!src/generated/**'");
  CHECK(contains(reason_for(b, "config/prod.yaml"), "forbidden glob 'config/**'"));
  CHECK(contains(reason_for(b, "config/local.yaml"), "not in allowed_files"));
  auto c = bounds({"**", "config/local.yaml"}, {"config/**", "!config/local.yaml"});
  CHECK(reason_for(c, "config/local.yaml").empty());
  // A later positive pattern matches again.
  auto d = bounds({"src/**", "!src/gen/**", "src/gen/keep.c"});
  CHECK(reason_for(d, "src/gen/keep.c").empty());
  CHECK_FALSE(reason_for(d, "src/gen/other.c").empty());
}

TEST_CASE("forbidden globs ignore letter case, allowed globs do not") {
  auto b = bounds({"**"}, {"secrets/**", "*.PEM"});
  CHECK(contains(reason_for(b, "Secrets/a"), "forbidden glob 'secrets/**'"));
  CHECK(contains(reason_for(b, "SECRETS/deep/a"), "forbidden"));
  CHECK(contains(reason_for(b, "keys/server.pem"), "forbidden glob '*.PEM'"));
  auto c = bounds({"src/**"});
  CHECK(contains(reason_for(c, "SRC/a.c"), "not in allowed_files"));
}

TEST_CASE("paths that leave the repository are refused") {
  Boundaries b;
  for (const char* path : {"../outside.txt", "src/../../x", "/etc/passwd"}) {
    CAPTURE(path);
    auto found = check_boundaries(b, {PathChange{path, 'M', std::nullopt}});
    REQUIRE(found.size() == 1);
    CHECK(found[0].reason == "path leaves the repository");
    CHECK(found[0].path == path);
  }
  CHECK(reason_for(b, ".") == "not a file inside the repository");
  // '..' inside the repository is resolved before matching: no dodging a forbidden glob.
  auto c = bounds({"src/**"}, {"src/secrets/**"});
  CHECK(contains(reason_for(c, "src/x/../secrets/k"), "forbidden"));
  auto found = check_boundaries(c, {PathChange{"src/./x/../secrets/k", 'M', std::nullopt}});
  REQUIRE(found.size() == 1);
  CHECK(found[0].path == "src/secrets/k");
}

TEST_CASE("symlinks are judged by where they point") {
  auto b = bounds({"src/**"}, {"secrets/**"});
  CHECK(symlink_reason(b, "src/link", "other.c").empty());
  CHECK(symlink_reason(b, "src/link", "../src/b/c.txt").empty());
  CHECK(symlink_reason(b, "src/link", "/etc/passwd") == "symlink points outside the repository");
  CHECK(symlink_reason(b, "src/link", "../../../etc") == "symlink points outside the repository");
  CHECK(symlink_reason(b, "src/link", "../secrets/key") ==
        "symlink to secrets/key, which the task may not change");
  CHECK(symlink_reason(b, "src/link", "../SECRETS/key") ==
        "symlink to SECRETS/key, which the task may not change");
  CHECK(symlink_reason(b, "src/link", "../README.md") ==
        "symlink to README.md, which the task may not change");
  // A link to a directory that holds forbidden files, to the root, or to factory's state.
  CHECK(contains(symlink_reason(b, "src/link", "../secrets"), "symlink to secrets,"));
  CHECK(contains(symlink_reason(b, "src/link", ".."), "the repository root"));
  CHECK(contains(symlink_reason(b, "src/link", "../.factory/t/contract.yaml"), ".factory"));
  CHECK(contains(symlink_reason(b, "src/link", "../.factory"), ".factory"));
  // Deleting a symlink changes only the link itself.
  auto found = check_boundaries(b, {PathChange{"src/link", 'D', "../secrets/key"}});
  CHECK(found.empty());
}

TEST_CASE("odd file names are matched as they are") {
  auto b = bounds({"docs/**", "-rf", "notes/*.md"}, {"docs/private*"});
  CHECK(reason_for(b, "docs/with space.md").empty());
  CHECK(reason_for(b, "docs/line\nbreak.md").empty());
  CHECK(reason_for(b, "docs/ünïcødé ✓.md").empty());
  CHECK(reason_for(b, "-rf").empty());
  CHECK(reason_for(b, "notes/-x.md").empty());
  CHECK(contains(reason_for(b, "docs/private notes.md"), "forbidden"));
  CHECK(contains(reason_for(b, "--help"), "not in allowed_files"));
}

TEST_CASE("10k changed paths get one decision each") {
  auto b = bounds({"src/**", "tests/**", "!src/vendor/**"}, {"src/secrets/**", "*.key"});
  std::vector<PathChange> changes;
  size_t expected = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string path;
    switch (i % 5) {
      case 0:
        path = "src/mod" + std::to_string(i) + "/a.c";
        break;
      case 1:
        path = "tests/t" + std::to_string(i) + ".c";
        break;
      case 2:
        path = "src/vendor/v" + std::to_string(i) + ".c";
        ++expected;
        break;
      case 3:
        path = "src/secrets/s" + std::to_string(i);
        ++expected;
        break;
      default:
        path = "src/k" + std::to_string(i) + ".KEY";
        ++expected;
        break;
    }
    changes.push_back({path, 'M', std::nullopt});
  }
  auto found = check_boundaries(b, changes);
  CHECK(found.size() == expected);
  for (const Violation& v : found) {
    bool vendor = v.path.starts_with("src/vendor/");
    CHECK(contains(v.reason, vendor ? "excluded from allowed_files" : "forbidden glob"));
  }
}

TEST_CASE("a symlink to a folder whose files a floating forbidden glob covers is refused") {
  auto b = bounds({"**"}, {"**/secrets/**", "private/"});
  CHECK(contains(symlink_reason(b, "l1", "a/secrets"), "symlink to a/secrets,"));
  CHECK(contains(symlink_reason(b, "l2", "a/secrets/"), "symlink to a/secrets,"));
  CHECK(contains(symlink_reason(b, "l3", "b/private"), "symlink to b/private,"));
  CHECK(symlink_reason(b, "l4", "b/public").empty());
}

TEST_CASE("symlink chains are followed on disk, where a lexical walk is fooled") {
  namespace fs = std::filesystem;
  std::string tmpl = (fs::temp_directory_path() / "factory-links-XXXXXX").string();
  REQUIRE(mkdtemp(tmpl.data()));
  fs::path root = tmpl;
  fs::create_directories(root / "src/x/y");
  fs::create_directories(root / "k");
  fs::create_directories(root / "secrets");
  std::ofstream(root / "secrets/k") << "key";
  // l -> ../../../k (fine), m -> l/../secrets/k: lexically "src/x/y/secrets/k", really secrets/k.
  fs::create_symlink("../../../k", root / "src/x/y/l");
  fs::create_symlink("l/../secrets/k", root / "src/x/y/m");
  // up -> l/../../.. : lexically src/, really the parent of the repository.
  fs::create_symlink("l/../../..", root / "src/x/y/up");
  auto b = bounds({"src/**", "k", "k/**"}, {"secrets/**"});
  std::vector<PathChange> changes = {{"src/x/y/m", 'A', "l/../secrets/k", std::nullopt},
                                     {"src/x/y/l", 'A', "../../../k", std::nullopt},
                                     {"src/x/y/up", 'A', "l/../../..", std::nullopt}};
  factory::contract::resolve_symlinks_on_disk(changes, root);
  CHECK(changes[0].resolved_target == "secrets/k");
  CHECK(changes[1].resolved_target == "k");
  CHECK(changes[2].resolved_target == "..");
  auto found = check_boundaries(b, changes);
  REQUIRE(found.size() == 2);
  CHECK(found[0].path == "src/x/y/m");
  CHECK(contains(found[0].reason, "leads to secrets/k"));
  CHECK(found[1].path == "src/x/y/up");
  fs::remove_all(root);
}
