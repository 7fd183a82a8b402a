// C and C++ functions derived from the source (gcovr 5 writes Cobertura without <methods>).
#include <doctest/doctest.h>

#include "coverage/analysis.hpp"
#include "coverage/readers.hpp"
#include "coverage/source_functions.hpp"
#include "test_coverage_support.hpp"

using namespace factory::coverage;

namespace {

// (name, first, last) of each derived function.
std::vector<std::tuple<std::string, int, int>> ranges(const std::string& path,
                                                      const std::string& source) {
  std::vector<std::tuple<std::string, int, int>> out;
  for (const auto& f : derive_functions(path, source, {})) {
    out.emplace_back(f.name, f.first_line, f.last_line);
  }
  return out;
}

const char* k_calc = R"(#include "calc.hpp"
namespace shop {

int Calc::add(int a, int b) {
  return a + b;
}

int Calc::sub(int a, int b) {
  if (a < 0) {  // a { in a comment
    return 0;
  }
  int r = a - b;
  return r;
}

template <typename T>
T twice(T x) {
  return x * 2;
}

int use() { return twice(3) + twice(2L) - 1; }

}  // namespace shop
)";

}  // namespace

TEST_CASE("C++: definitions with namespaces, templates and one-line bodies") {
  using R = std::tuple<std::string, int, int>;
  CHECK(ranges("src/calc.cpp", k_calc) == std::vector<R>{{"shop::Calc::add", 4, 6},
                                                         {"shop::Calc::sub", 8, 14},
                                                         {"shop::twice", 16, 19},
                                                         {"shop::use", 21, 21}});
}

TEST_CASE("C++: classes, constructors with initialiser lists, operators, strings, macros") {
  const char* source = R"(#define BRACE {
struct Calc : Base {
 public:
  Calc(int a) : Base{a}, m_a(a), m_b{a} {
    const char* s = "} not a brace {";
  }
  ~Calc() {}
  bool operator==(const Calc& o) const { return m_a == o.m_a; }
  explicit operator bool() const noexcept { return m_a != 0; }
  int m_a;
  int m_b = {1};
};
auto lambda = [](int x) { return x; };
int values[] = {1, 2, 3};
extern "C" {
int c_entry(void) {
  return 0;
}
}
enum class Mode { fast, slow };
)";
  using R = std::tuple<std::string, int, int>;
  CHECK(ranges("calc.hpp", source) == std::vector<R>{{"Calc::Calc", 4, 6},
                                                     {"Calc::~Calc", 7, 7},
                                                     {"Calc::operator==", 8, 8},
                                                     {"Calc::operator bool", 9, 9},
                                                     {"c_entry", 16, 18}});
  // Control statements are not functions, and nothing is found in other languages.
  CHECK(ranges("x.c", "void f(void) {\n  if (x) {\n  }\n}\n") == std::vector<R>{{"f", 1, 4}});
  CHECK(ranges("x.rs", "fn f() {\n}\n").empty());
}

TEST_CASE("gcovr Cobertura without <methods>: a critical C++ function is still checked") {
  coverage_test::Workspace ws;
  ws.write("src/calc.cpp", k_calc);
  const char* xml = R"(<?xml version="1.0"?>
<coverage version="gcovr 5.2"><sources><source>.</source></sources><packages><package name="src">
<classes><class name="calc_cpp" filename="src/calc.cpp"><methods/><lines>
<line number="4" hits="1"/><line number="5" hits="1"/><line number="8" hits="0"/>
<line number="9" hits="0"/><line number="10" hits="0"/><line number="12" hits="0"/>
<line number="13" hits="0"/><line number="16" hits="4"/><line number="18" hits="4"/>
<line number="21" hits="1"/></lines></class></classes></package></packages></coverage>)";
  Report report = parse_report(xml, Format::cobertura, "cpp.xml", ws.options());
  Rules rules;
  rules.critical_paths = {"Calc::sub()"};
  Analysis a = analyze(report, {{"src/calc.cpp", {12, 13}}}, rules);
  REQUIRE(a.critical.size() == 1);
  CHECK(a.critical[0].function == "shop::Calc::sub");
  CHECK(a.critical[0].uncovered == std::vector<int>{12, 13});
  CHECK(a.gate_failures.at(0) ==
        "critical function Calc::sub() has 2 uncovered changed lines: src/calc.cpp:12, 13");
}
