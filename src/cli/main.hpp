#pragma once

namespace factory::cli {

// Parses the command line, runs the command and returns the process exit code.
int main(int argc, char** argv);

}  // namespace factory::cli
