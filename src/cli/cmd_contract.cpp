#include "cli/commands.hpp"

namespace factory::cli {

void add_contract(CLI::App& app, Context& ctx) {
  (void)app;
  (void)ctx;
}

}  // namespace factory::cli
