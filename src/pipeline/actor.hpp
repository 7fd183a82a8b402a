#pragma once

#include <filesystem>

#include "core/actor.hpp"

namespace factory::pipeline {

// The person (or CI job) acting from `dir`: the environment, the repository's git identity and
// the OS account, resolved by core::resolve_actor.
core::Actor current_actor(const std::filesystem::path& dir);

}  // namespace factory::pipeline
