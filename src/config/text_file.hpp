#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace factory::config {

// The whole file, byte for byte; nullopt when it is missing, a directory or unreadable.
std::optional<std::string> try_read_text_file(const std::filesystem::path& file);

// The whole file; a usage Error "cannot read <file>" when it cannot be read.
std::string read_text_file(const std::filesystem::path& file);

}  // namespace factory::config
