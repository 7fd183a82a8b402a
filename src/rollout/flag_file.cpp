#include "rollout/flag_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "config/text_file.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"

namespace factory::rollout {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

constexpr const char* k_schema = "https://flagd.dev/schema/v0/flags.json";
constexpr const char* k_unreadable_hint =
    "fix the file or restore it from git; factory never overwrites a file it cannot read";

// Line and column (both from 1, the column in characters) of nlohmann's byte position `byte`
// (1 = the first byte; the size plus one = the end of the text).
std::pair<size_t, size_t> line_col(std::string_view text, size_t byte) {
  const size_t pos = std::min(byte == 0 ? 0 : byte - 1, text.size());
  const size_t line = 1 + std::count(text.begin(), text.begin() + pos, '\n');
  const size_t start = pos == 0 ? 0 : text.rfind('\n', pos - 1) + 1;  // npos + 1 == 0
  // UTF-8 continuation bytes (10xxxxxx) do not start a character.
  const size_t col = 1 + std::count_if(text.begin() + start, text.begin() + pos,
                                       [](char c) { return (c & 0xC0) != 0x80; });
  return {line, col};
}

// nlohmann's message without its "[json.exception...] parse error at line L, column C: " prefix.
std::string reason_of(const std::string& what) {
  const size_t at = what.find("parse error");
  const size_t colon = at == std::string::npos ? at : what.find(": ", at);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

[[noreturn]] void write_failed(const fs::path& path, const std::string& why) {
  throw core::Error(core::ExitCode::failed, fmt::format("cannot write {}: {}", path.string(), why),
                    "the flag file was left as it was; check the folder's permissions and free "
                    "space");
}

// Best effort: makes the rename itself durable.
void sync_folder(const fs::path& folder) {
  int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Writes all of `text` to `fd`, fsyncs and closes it; the error text, "" on success.
std::string write_and_close(int fd, std::string_view text) {
  std::string error;
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::strerror(errno);
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (error.empty() && ::fsync(fd) != 0) error = std::strerror(errno);
  if (::close(fd) != 0 && error.empty()) error = std::strerror(errno);
  return error;
}

// Temp file in the target's folder, then rename over it: a reader (flagd, the app) sees the old
// file or the new one, never a half-written one.
void write_atomically(const fs::path& path, std::string_view text) {
  std::error_code ec;
  fs::path target = path;
  // Followed link by link (its target may not exist yet): the link stays, its target changes.
  for (int hops = 0; hops < 40 && fs::is_symlink(target, ec); ++hops) {
    fs::path link = fs::read_symlink(target, ec);
    if (ec) break;
    target = link.is_absolute() ? link : target.parent_path() / link;
  }
  const fs::path folder = target.parent_path();
  if (!folder.empty()) {
    fs::create_directories(folder, ec);
    if (ec) write_failed(path, ec.message());
  }
  static std::atomic<unsigned> counter{0};
  const fs::path temp =
      folder / fmt::format(".{}.tmp-{}-{}", target.filename().string(), ::getpid(), counter++);
  // 0666 under the umask, like any new file; an existing file keeps its mode.
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) write_failed(path, std::strerror(errno));
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode)) ::fchmod(fd, st.st_mode & 07777);
  std::string error = write_and_close(fd, text);
  if (error.empty() && ::rename(temp.c_str(), target.c_str()) != 0) error = std::strerror(errno);
  if (!error.empty()) {
    ::unlink(temp.c_str());
    write_failed(path, error);
  }
  sync_folder(folder);
}

}  // namespace

FlagFile::FlagFile() : m_document({{"$schema", k_schema}, {"flags", Json::object()}}) {}

FlagFile::FlagFile(Json document, std::string source, bool existed)
    : m_document(std::move(document)), m_source(std::move(source)), m_existed(existed) {}

FlagFile FlagFile::load(const fs::path& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (status.type() == fs::file_type::not_found) {
    FlagFile empty;
    empty.m_source = path.string();
    return empty;
  }
  if (ec || fs::is_directory(status)) {
    throw core::Error(
        core::ExitCode::usage,
        fmt::format("cannot read {}: {}", path.string(), ec ? ec.message() : "it is a folder"),
        "give the path of the flagd JSON file ([flags] file in .factory.toml)");
  }
  return parse(config::read_text_file(path), path.string());
}

FlagFile FlagFile::parse(std::string_view text, const std::string& source) {
  Json document;
  try {
    document = Json::parse(text);
  } catch (const Json::parse_error& e) {
    auto [line, col] = line_col(text, e.byte);
    throw core::Error(
        core::ExitCode::usage,
        fmt::format("{}:{}:{}: not valid JSON: {}", source, line, col, reason_of(e.what())),
        k_unreadable_hint);
  }
  if (!document.is_object()) {
    throw core::Error(core::ExitCode::usage,
                      fmt::format("{}: the top level is {} {}, not an object", source,
                                  document.is_array() ? "an" : "a", document.type_name()),
                      k_unreadable_hint);
  }
  auto flags = document.find("flags");
  if (flags != document.end() && !flags->is_object()) {
    throw core::Error(core::ExitCode::usage,
                      fmt::format("{}: \"flags\" is {} {}, not an object", source,
                                  flags->is_array() ? "an" : "a", flags->type_name()),
                      k_unreadable_hint);
  }
  return FlagFile(std::move(document), source, true);
}

const Json* FlagFile::find(const std::string& key) const {
  auto flags = m_document.find("flags");
  if (flags == m_document.end() || !flags->is_object()) return nullptr;
  auto it = flags->find(key);
  return it == flags->end() ? nullptr : &*it;
}

std::optional<int> FlagFile::rollout_percentage(const std::string& key) const {
  const Json* flag = find(key);
  if (!flag) return std::nullopt;
  auto unreadable = [&](const std::string& why) -> core::Error {
    return core::Error(
        core::ExitCode::usage,
        fmt::format("{}: flag '{}' is not in the shape factory writes: {}", m_source, key, why),
        "the flag was edited by hand: restore it (e.g. from git), or set its percentage again "
        "and factory rewrites it");
  };
  if (!flag->is_object()) throw unreadable("it is not an object");
  if (flag->contains("state") && flag->at("state") == "DISABLED") return 0;  // nobody gets "on"
  const Json targeting = flag->value("targeting", Json::object());
  if (targeting.is_null() || targeting.empty()) {
    return flag->contains("defaultVariant") && flag->at("defaultVariant") == "on" ? 100 : 0;
  }
  if (!targeting.is_object() || targeting.size() != 1 || !targeting.contains("fractional") ||
      !targeting.at("fractional").is_array()) {
    throw unreadable("its targeting is not a 'fractional' rule");
  }
  uint64_t on = 0, total = 0;
  for (const auto& bucket : targeting.at("fractional")) {
    if (!bucket.is_array()) continue;  // a bucketBy
    // A weight written by set_rollout is signed until the file is read back.
    if (bucket.size() != 2 || !bucket[0].is_string() || !bucket[1].is_number_integer() ||
        (!bucket[1].is_number_unsigned() && bucket[1].get<int64_t>() < 0)) {
      throw unreadable(fmt::format("the bucket {} is not [\"variant\", weight]", bucket.dump()));
    }
    const uint64_t weight = bucket[1].get<uint64_t>();
    total += weight;
    if (bucket[0] == "on") on += weight;
  }
  if (total == 0) throw unreadable("its weights are all 0");
  if (on == 0) return 0;
  if (on == total) return 100;
  // Rounded down, but never to 0 or 100 while some keys are on and some are off.
  return static_cast<int>(std::clamp<uint64_t>(on * 100 / total, 1, 99));
}

std::string FlagFile::fingerprint(const std::string& key) const {
  const Json* flag = find(key);
  return flag ? core::json_text(*flag) : "";
}

void FlagFile::set_rollout(const std::string& key, int percentage, const std::string& task) {
  if (percentage < 0 || percentage > 100) {
    throw std::invalid_argument(fmt::format("rollout percentage {} is not in 0..100", percentage));
  }
  Json flag = Json::object();
  flag["state"] = "ENABLED";
  flag["variants"] = Json::object();
  flag["variants"]["on"] = true;
  flag["variants"]["off"] = false;
  flag["defaultVariant"] = "off";
  // Kept as a fractional rule at 0 and 100 too (flagd takes zero weights): the shape never
  // changes, and "on" first means a key in at p% is in at every higher p.
  Json buckets = Json::array();
  buckets.push_back(Json::array({"on", percentage}));
  buckets.push_back(Json::array({"off", 100 - percentage}));
  flag["targeting"] = Json::object();
  flag["targeting"]["fractional"] = std::move(buckets);
  flag["metadata"] = Json::object();
  flag["metadata"]["owner"] = "factory";
  flag["metadata"]["task"] = task;
  auto flags = m_document.find("flags");
  if (flags == m_document.end()) {
    m_document["flags"] = Json::object();
    flags = m_document.find("flags");
  }
  (*flags)[key] = std::move(flag);  // an existing key keeps its position
}

bool FlagFile::remove(const std::string& key) {
  auto flags = m_document.find("flags");
  return flags != m_document.end() && flags->is_object() && flags->erase(key) > 0;
}

bool FlagFile::owned_by_factory(const std::string& key) const {
  const Json* flag = find(key);
  if (!flag || !flag->is_object()) return false;
  auto metadata = flag->find("metadata");
  return metadata != flag->end() && metadata->is_object() && metadata->contains("owner") &&
         metadata->at("owner") == "factory";
}

void FlagFile::save(const fs::path& path) const {
  write_atomically(path, core::json_text(m_document, 2) + "\n");
}

}  // namespace factory::rollout
