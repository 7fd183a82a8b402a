#include "cli/hook_main.hpp"

int main(int argc, char** argv) {
  return factory::cli::hook_main(argc, argv);
}
