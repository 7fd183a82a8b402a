#pragma once

#include <string>

namespace factory::cli {

// Prints a user error once on stderr: "factory: error: <message>" and, when there is one,
// "  hint: <hint>". Both binaries (factory, factory-hook) report errors this way.
void print_error(const std::string& message, const std::string& hint);

}  // namespace factory::cli
