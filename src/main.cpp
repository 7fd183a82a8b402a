#include "cli/main.hpp"

int main(int argc, char** argv) { return factory::cli::main(argc, argv); }
