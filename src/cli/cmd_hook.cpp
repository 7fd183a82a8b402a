#include "cli/commands.hpp"

namespace factory::cli {

// `factory hook pre-commit|install|uninstall` (filled in by the hooks work).
void add_hook(CLI::App& app, Context& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace factory::cli
