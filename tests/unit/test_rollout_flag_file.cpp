#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>

#include "config/text_file.hpp"
#include "rollout/flag_eval.hpp"
#include "rollout/flag_file.hpp"
#include "test_error_support.hpp"

using factory::rollout::evaluate_flag;
using factory::rollout::FlagFile;
using factory::testing::usage_error_of;
namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

struct FlagDir {
  fs::path path;
  FlagDir() {
    std::string pattern = (fs::temp_directory_path() / "factory-flags-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~FlagDir() { fs::remove_all(path); }
  FlagDir(const FlagDir&) = delete;
  FlagDir& operator=(const FlagDir&) = delete;
};

void write(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary) << text;
}

std::string read(const fs::path& file) {
  return factory::config::read_text_file(file);
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

// A hand-written file in the layout factory writes (2-space indent), with keys out of
// alphabetical order, a flag set's metadata, $evaluators and someone else's flags around
// factory's.
const std::string k_before = R"({
  "$schema": "https://flagd.dev/schema/v0/flags.json",
  "metadata": {
    "team": "web"
  },
  "flags": {
    "zeta-banner": {
      "state": "ENABLED",
      "variants": {
        "red": "#f00",
        "blue": "#00f"
      },
      "defaultVariant": "red",
      "targeting": {
        "$ref": "split"
      }
    },
    "batch-upload": {
      "state": "ENABLED",
      "variants": {
        "on": true,
        "off": false
      },
      "defaultVariant": "off",
      "targeting": {
        "fractional": [
          [
            "on",
            1
          ],
          [
            "off",
            99
          ]
        ]
      },
      "metadata": {
        "owner": "factory",
        "task": "batch-upload"
      }
    },
    "alpha-limit": {
      "variants": {
        "low": 10,
        "high": 1.5e3
      },
      "state": "DISABLED",
      "defaultVariant": "low"
    }
  },
  "$evaluators": {
    "split": {
      "fractional": [
        [
          "red"
        ],
        [
          "blue"
        ]
      ]
    }
  }
}
)";

}  // namespace

TEST_CASE("a missing file is an empty flagd document; saving it writes one") {
  FlagDir dir;
  auto flags = FlagFile::load(dir.path / "flags.json");
  CHECK_FALSE(flags.existed());
  CHECK(flags.document().dump() ==
        R"({"$schema":"https://flagd.dev/schema/v0/flags.json","flags":{}})");
  CHECK_FALSE(flags.rollout_percentage("batch-upload").has_value());
  CHECK(flags.fingerprint("batch-upload").empty());
  flags.save(dir.path / "nested" / "deeper" / "flags.json");
  CHECK(read(dir.path / "nested" / "deeper" / "flags.json") ==
        "{\n  \"$schema\": \"https://flagd.dev/schema/v0/flags.json\",\n  \"flags\": {}\n}\n");
}

TEST_CASE("set_rollout + save changes factory's flag only: the rest stays byte for byte") {
  FlagDir dir;
  const fs::path file = dir.path / "flags.json";
  write(file, k_before);
  auto flags = FlagFile::load(file);
  CHECK(flags.existed());
  CHECK(flags.rollout_percentage("batch-upload") == 1);
  flags.set_rollout("batch-upload", 10, "batch-upload");
  flags.save(file);
  std::string expected = k_before;
  const std::string old_weights = "\"on\",\n            1\n";
  const std::string old_rest = "\"off\",\n            99\n";
  expected.replace(expected.find(old_weights), old_weights.size(), "\"on\",\n            10\n");
  expected.replace(expected.find(old_rest), old_rest.size(), "\"off\",\n            90\n");
  // 1.5e3 is the one thing written differently: nlohmann keeps the number, not its spelling.
  expected.replace(expected.find("1.5e3"), 5, "1500.0");
  CHECK(read(file) == expected);
  CHECK(FlagFile::load(file).rollout_percentage("batch-upload") == 10);
}

TEST_CASE("set_rollout replaces a flag where it stands and appends a new one") {
  FlagDir dir;
  write(dir.path / "f.json", k_before);
  auto flags = FlagFile::load(dir.path / "f.json");
  flags.set_rollout("batch-upload", 50, "batch-upload");
  flags.set_rollout("new-thing", 5, "new-thing");
  std::vector<std::string> order;
  for (const auto& item : flags.document().at("flags").items()) order.push_back(item.key());
  CHECK(order ==
        std::vector<std::string>{"zeta-banner", "batch-upload", "alpha-limit", "new-thing"});
  CHECK(flags.document().at("flags").at("new-thing").dump() ==
        R"({"state":"ENABLED","variants":{"on":true,"off":false},"defaultVariant":"off",)"
        R"("targeting":{"fractional":[["on",5],["off",95]]},)"
        R"("metadata":{"owner":"factory","task":"new-thing"}})");
  CHECK_THROWS_AS(flags.set_rollout("x", 101, "x"), std::invalid_argument);
  CHECK_THROWS_AS(flags.set_rollout("x", -1, "x"), std::invalid_argument);
}

TEST_CASE("raising the percentage 1 -> 10 -> 100 only ever adds keys to \"on\"") {
  FlagFile flags;
  std::set<std::string> previous;
  size_t keys = 2000;
  for (int percentage : {0, 1, 10, 50, 100}) {
    flags.set_rollout("batch-upload", percentage, "batch-upload");
    CHECK(flags.rollout_percentage("batch-upload") == percentage);
    std::set<std::string> on;
    for (size_t i = 0; i < keys; ++i) {
      std::string key = "user-" + std::to_string(i);
      auto result = evaluate_flag(flags.document(), "batch-upload", key);
      CHECK(result.reason == "TARGETING_MATCH");
      if (result.variant == "on") on.insert(key);
    }
    for (const auto& key : previous) CHECK(on.count(key) == 1);
    CAPTURE(percentage);
    if (percentage == 0) CHECK(on.empty());
    if (percentage == 100) CHECK(on.size() == keys);
    if (percentage == 10) CHECK((on.size() > 150 && on.size() < 250));  // 200 expected
    previous = on;
  }
}

TEST_CASE("remove, owned_by_factory and fingerprint") {
  FlagDir dir;
  write(dir.path / "f.json", k_before);
  auto flags = FlagFile::load(dir.path / "f.json");
  CHECK(flags.owned_by_factory("batch-upload"));
  CHECK_FALSE(flags.owned_by_factory("zeta-banner"));
  CHECK_FALSE(flags.owned_by_factory("nope"));
  const std::string print = flags.fingerprint("batch-upload");
  CHECK(print.find("\"fractional\":[[\"on\",1],[\"off\",99]]") != std::string::npos);
  flags.save(dir.path / "f.json");
  CHECK(FlagFile::load(dir.path / "f.json").fingerprint("batch-upload") == print);
  write(dir.path / "f.json", [] {
    std::string text = k_before;
    text.replace(text.find("99"), 2, "98");  // a hand edit
    return text;
  }());
  CHECK(FlagFile::load(dir.path / "f.json").fingerprint("batch-upload") != print);

  CHECK(flags.remove("batch-upload"));
  CHECK_FALSE(flags.remove("batch-upload"));
  CHECK_FALSE(flags.rollout_percentage("batch-upload").has_value());
  CHECK(flags.document().at("flags").size() == 2);
}

TEST_CASE("rollout_percentage reads only factory's shape and never rounds to 0 or 100") {
  FlagFile flags;
  flags.set_rollout("f", 10, "f");
  auto doc = flags.document();
  doc["flags"]["f"]["targeting"]["fractional"] =
      Json::array({Json::array({"on", 1}), Json::array({"off", 999})});
  FlagDir dir;
  write(dir.path / "f.json", doc.dump());
  CHECK(FlagFile::load(dir.path / "f.json").rollout_percentage("f") == 1);
  doc["flags"]["f"]["targeting"]["fractional"] =
      Json::array({Json::array({"on", 999}), Json::array({"off", 1})});
  write(dir.path / "f.json", doc.dump());
  CHECK(FlagFile::load(dir.path / "f.json").rollout_percentage("f") == 99);
  doc["flags"]["f"]["targeting"] = {{"if", {true, "on", "off"}}};
  write(dir.path / "f.json", doc.dump());
  auto message =
      usage_error_of([&] { FlagFile::load(dir.path / "f.json").rollout_percentage("f"); });
  CHECK(message.find("flag 'f' is not in the shape factory writes") != std::string::npos);
}

TEST_CASE("a file that is not valid JSON is an error at its line and column") {
  FlagDir dir;
  const fs::path file = dir.path / "flags.json";
  write(file, "{\n  \"flags\": {\n    \"a\": {}\n    \"b\": {}\n  }\n}\n");
  auto message = usage_error_of([&] { FlagFile::load(file); });
  CHECK(message.find(file.string() + ":4:7: not valid JSON: ") == 0);
  CHECK(message.find("expected '}'") != std::string::npos);
  CHECK(message.find("json.exception") == std::string::npos);

  write(file, "{\"flags\": {");  // cut off
  CHECK(usage_error_of([&] { FlagFile::load(file); }).find(file.string() + ":1:12:") == 0);
  write(file, "");
  CHECK(usage_error_of([&] { FlagFile::load(file); }).find(file.string() + ":1:1:") == 0);
  // The column counts characters, not bytes.
  write(file, "{\"é€\": x}");
  CHECK(usage_error_of([&] { FlagFile::load(file); }).find(file.string() + ":1:8:") == 0);
}

TEST_CASE("a top level or flags that is not an object is an error naming it") {
  FlagDir dir;
  const fs::path file = dir.path / "flags.json";
  write(file, "[]");
  CHECK(usage_error_of([&] { FlagFile::load(file); }) ==
        file.string() + ": the top level is an array, not an object");
  write(file, R"({"flags": "none"})");
  CHECK(usage_error_of([&] { FlagFile::load(file); }) ==
        file.string() + ": \"flags\" is a string, not an object");
  CHECK(usage_error_of([&] { FlagFile::load(dir.path); }).find("folder") != std::string::npos);
}

TEST_CASE("save is atomic: no temp file stays, the mode stays, a symlink stays a symlink") {
  FlagDir dir;
  const fs::path file = dir.path / "flags.json";
  write(file, k_before);
  ::chmod(file.c_str(), 0640);
  auto flags = FlagFile::load(file);
  flags.set_rollout("batch-upload", 100, "batch-upload");
  flags.save(file);
  CHECK(names_in(dir.path) == std::set<std::string>{"flags.json"});
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);

  fs::create_directory(dir.path / "real");
  fs::create_symlink("real/target.json", dir.path / "link.json");
  flags.save(dir.path / "link.json");
  CHECK(fs::is_symlink(dir.path / "link.json"));
  CHECK(FlagFile::load(dir.path / "real" / "target.json").rollout_percentage("batch-upload") ==
        100);
  CHECK(names_in(dir.path / "real") == std::set<std::string>{"target.json"});
}

TEST_CASE("a failed save names the path, leaves the old file and removes its temp file") {
  FlagDir dir;
  FlagFile flags;
  flags.set_rollout("f", 10, "f");
  // The target is a folder: rename fails after the temp file is written.
  fs::create_directory(dir.path / "flags.json");
  write(dir.path / "flags.json" / "keep", "x");
  try {
    flags.save(dir.path / "flags.json");
    FAIL("expected an error");
  } catch (const factory::core::Error& e) {
    CHECK(std::string(e.what()).find((dir.path / "flags.json").string()) != std::string::npos);
  }
  CHECK(names_in(dir.path) == std::set<std::string>{"flags.json"});
  CHECK(read(dir.path / "flags.json" / "keep") == "x");
  // The parent is a file: nothing can be created.
  write(dir.path / "plain", "y");
  CHECK_THROWS_AS(flags.save(dir.path / "plain" / "flags.json"), factory::core::Error);
  CHECK(read(dir.path / "plain") == "y");
}
