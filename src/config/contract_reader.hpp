#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/stage.hpp"

namespace factory::config {

// One key and its value in the contract, with the path that error messages name.
struct Field {
  YAML::Node key;    // the key node; the item itself for list items and the root
  YAML::Node value;  // the value node
  std::string path;  // e.g. "boundaries.allowed_files[2]"; "" for the root
  std::string name;  // the key's own name
  size_t order = 0;  // position in its mapping, to tell which of two keys came first
};

// A mapping's entries by key name.
using Fields = std::map<std::string, Field, std::less<>>;

// The entry named `name`, or nullptr.
const Field* find(const Fields& fields, std::string_view name);

// The single YAML document in `text`; a syntax error or a second document is a usage Error
// "<source>:<line>:<col>: ...". `kind` names the file in the hint ("a contract").
YAML::Node load_document(std::string_view text, const std::string& source, std::string_view kind);

// Typed reads of contract YAML; every failure is a usage Error
// "<source>:<line>:<col>: <what> (key <path>)" with a hint.
class ContractReader {
 public:
  explicit ContractReader(std::string source) : m_source(std::move(source)) {}

  // Throws the usage Error for `field`, located at its value (or its key when the value is empty).
  [[noreturn]] void fail(const Field& field, std::string_view what, std::string hint) const;

  // A mapping's entries; unknown keys (when `known` is not empty) and duplicates are errors.
  Fields fields(const Field& field, std::initializer_list<std::string_view> known) const;

  // A list's items; an empty value is an empty list. `expected` names the list in errors.
  std::vector<Field> items(const Field& field, std::string_view expected) const;

  // The entry `name` of `parent`'s mapping; missing is an error.
  const Field& required(const Fields& fields, const Field& parent, std::string_view name) const;

  std::string string(const Field& field) const;  // a scalar
  std::string text(const Field& field) const;    // a scalar, or "" when empty
  bool boolean(const Field& field) const;        // true or false
  int integer(const Field& field, int min, int max) const;
  int count(const Field& field) const;                           // an integer >= 0
  double number(const Field& field) const;                       // a finite number
  std::chrono::milliseconds duration(const Field& field) const;  // positive
  std::string regex(const Field& field) const;                   // PCRE2, compiled to check
  std::vector<std::string> globs(const Field& field) const;      // each checked by glob_error
  std::string workspace_path(const Field& field) const;          // relative, never climbing out
  core::Stage stage(const Field& entry) const;                   // the entry's key as a stage

 private:
  std::string m_source;
};

}  // namespace factory::config
