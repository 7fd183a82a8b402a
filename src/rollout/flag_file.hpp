#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace factory::rollout {

// The OpenFeature flagd flag-definition file (docs/ROLLOUT.md, "The flag file"). The whole
// document is kept, in key order: factory changes only its own flags, every other flag and key
// is written back as it was read.
class FlagFile {
 public:
  // An empty document: {"$schema": <flagd's schema>, "flags": {}}.
  FlagFile();

  // Reads `path`; a missing file gives the empty document. Not valid JSON is a usage Error with
  // path:line:col; a top level or a "flags" that is not an object is a usage Error naming it.
  static FlagFile load(const std::filesystem::path& path);

  // Parses `text` read from `source` (a path, for messages), with load's checks.
  static FlagFile parse(std::string_view text, const std::string& source);

  // Whether load found a file (false: the empty document stands in for a missing one).
  bool existed() const { return m_existed; }

  // The percentage of targeting keys the flag `key` serves its "on" variant, from its
  // fractional weights; nullopt when the flag is absent. 0 only when no key gets "on", 100 only
  // when every key does. A flag in another shape is a usage Error.
  std::optional<int> rollout_percentage(const std::string& key) const;

  // The flag's JSON on one line, "" when absent: stored by the caller to notice hand edits.
  std::string fingerprint(const std::string& key) const;

  // Writes factory's flag `key` serving "on" to `percentage` (0..100, else
  // std::invalid_argument) of targeting keys: a fractional rule [["on", p], ["off", 100 - p]],
  // also at 0 and 100, so "on" stays the first bucket and raising p only adds keys. An existing
  // flag of that name is replaced where it stands.
  void set_rollout(const std::string& key, int percentage, const std::string& task);

  // Removes the flag `key`; false when there was none.
  bool remove(const std::string& key);

  // Whether the flag `key` is factory's (metadata.owner == "factory").
  bool owned_by_factory(const std::string& key) const;

  // Writes the document (2-space indent, trailing newline) atomically: a temp file in the same
  // folder, fsync, rename over `path` (through a symlink, to its target). Creates parent
  // folders. On failure `path` is untouched, the temp file removed, and a core::Error names it.
  void save(const std::filesystem::path& path) const;

  const nlohmann::ordered_json& document() const { return m_document; }

 private:
  explicit FlagFile(nlohmann::ordered_json document, std::string source, bool existed);

  // The flag `key`, or null when absent.
  const nlohmann::ordered_json* find(const std::string& key) const;

  nlohmann::ordered_json m_document;
  std::string m_source = "the flag file";  // where it was read from, for messages
  bool m_existed = false;
};

}  // namespace factory::rollout
