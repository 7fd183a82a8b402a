#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "coverage/report.hpp"

namespace factory::coverage {

// Functions found by a cheap scan of the source, for reports that carry none (coverage.py 6
// lcov and XML, Go coverprofiles). Python: `def`/`async def` at any depth, named with their
// enclosing classes ("Calculator.add"), ending at the last line indented deeper than the def.
// Go: top-level `func` declarations, methods named "(*T).M" or "T.M", ending at the first
// line that is "}" at column 0. C and C++: see cpp_functions. `lines` gives hits: a function's
// hits are the most any measured line of its body ran. Other languages: none.
std::vector<FunctionCoverage> derive_functions(std::string_view path, std::string_view source,
                                               const std::map<int, long long>& lines);

// Whether derive_functions finds functions in files like `path` (Python, Go, C, C++).
bool derives_functions(std::string_view path);

// C and C++ sources and headers (.c .cc .cpp .cxx .h .hpp ...).
bool is_c_family(std::string_view path);

// C and C++ headers (.h .hh .hpp .hxx .inl ...): a declaration in one compiles to no code.
bool is_c_header(std::string_view path);

// Go coverprofile blocks span whole regions, blank lines and comments included: the lines
// of `source` that hold no code (blank, comment-only, only closing brackets) are dropped.
void drop_non_code_go_lines(std::string_view source, std::map<int, long long>& lines);

// Fills the unknown last line of report functions: up to the last measured line before the
// next function starts (lcov 1.x FN records give only the first line).
void fill_function_ends(FileCoverage& file);

}  // namespace factory::coverage
