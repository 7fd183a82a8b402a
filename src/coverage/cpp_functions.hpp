#pragma once

#include <map>
#include <string_view>
#include <vector>

#include "coverage/report.hpp"

namespace factory::coverage {

// Function definitions in C or C++ source, found by a conservative scan (gcovr 5 writes
// Cobertura without <methods>): comments, strings and preprocessor lines are skipped, braces
// matched; a brace after "name(...)" (qualifiers, an initialiser list) at namespace, class or
// file level opens a function, named with its namespaces and classes ("shop::Calc::sub"). The
// range runs from the start of the declaration to the closing brace; hits are the most any
// measured line of it ran. Bodies are not searched (lambdas, local classes).
std::vector<FunctionCoverage> cpp_functions(std::string_view source,
                                            const std::map<int, long long>& lines);

}  // namespace factory::coverage
