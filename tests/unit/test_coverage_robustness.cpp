// Bad input must never crash a reader: every fixture cut at many points and with bytes flipped
// either parses or fails with a usage error.
#include <doctest/doctest.h>

#include <random>

#include "core/error.hpp"
#include "coverage/analysis.hpp"
#include "coverage/diff.hpp"
#include "coverage/readers.hpp"
#include "test_coverage_support.hpp"

using namespace factory::coverage;
using coverage_test::detached;
using coverage_test::read_fixture;

namespace {

// Parses `text` as `format`; true when it parsed, false on a usage error; anything else fails.
bool survives(const std::string& text, Format format) {
  try {
    Report r = parse_report(text, format, "fuzz", detached());
    analyze(r, {{"calculator.py", {1, 2, 3}}}, Rules{std::nullopt, std::nullopt, {"**", "add()"}});
    return true;
  } catch (const factory::core::Error& e) {
    CHECK(e.code() == factory::core::ExitCode::usage);
    CHECK(std::string(e.what()).find("fuzz:") == 0);
    return false;
  }
}

const std::vector<std::pair<std::string, Format>> k_inputs = {
    {"lcov.info", Format::lcov},
    {"real_cpp_coverage.lcov", Format::lcov},
    {"real_python_coverage.lcov", Format::lcov},
    {"coverage.xml", Format::cobertura},
    {"dotnet_coverage.xml", Format::cobertura},
    {"luacoverage.xml", Format::cobertura},
};

const char* k_go =
    "mode: count\nexample.com/x/a.go:3.10,5.2 2 7\nexample.com/x/a.go:4.5,4.20 1 0\n"
    "example.com/x/b.go:10.1,12.3 1 1\n";

}  // namespace

TEST_CASE("every prefix of a report parses or is refused cleanly") {
  std::vector<std::pair<std::string, Format>> inputs;
  for (const auto& [name, format] : k_inputs) inputs.emplace_back(read_fixture(name), format);
  inputs.emplace_back(k_go, Format::go_profile);
  for (const auto& [text, format] : inputs) {
    for (size_t cut = 0; cut <= text.size(); cut += 7) survives(text.substr(0, cut), format);
    CHECK(survives(text, format));
  }
}

TEST_CASE("flipped bytes, wrong formats and binary noise are refused cleanly") {
  std::mt19937 rng(42);
  for (const auto& [name, format] : k_inputs) {
    std::string text = read_fixture(name);
    for (int round = 0; round < 200; ++round) {
      std::string mutated = text;
      for (int k = 0; k < 3; ++k) {
        mutated[rng() % mutated.size()] = static_cast<char>(rng() % 256);
      }
      survives(mutated, format);
    }
    // Each reader given the other formats.
    for (Format other : {Format::lcov, Format::cobertura, Format::go_profile}) {
      if (other != format) survives(text, other);
    }
  }
  std::string noise(4096, '\0');
  for (auto& c : noise) c = static_cast<char>(rng() % 256);
  for (Format f : {Format::lcov, Format::cobertura, Format::go_profile})
    CHECK_FALSE(survives(noise, f));
}

TEST_CASE("huge counts and line numbers do not overflow or exhaust memory") {
  CHECK(survives("SF:a.py\nDA:1,9223372036854775807\nDA:1,9223372036854775807\nend_of_record\n",
                 Format::lcov));
  Report r = parse_report("SF:a.py\nDA:1,99999999999999999999999\nend_of_record\n", Format::lcov,
                          "fuzz", detached());
  CHECK(r.files.at("a.py").lines.at(1) > 0);
  CHECK_FALSE(survives("mode: set\na.go:1.1,2000000000.1 1 1\n", Format::go_profile));
}

TEST_CASE("the diff parser takes any text without crashing") {
  std::mt19937 rng(7);
  std::string diff = read_fixture("git_diff_python.txt") + read_fixture("git_diff_dotnet.txt");
  for (int round = 0; round < 300; ++round) {
    std::string mutated = diff.substr(0, rng() % diff.size());
    for (int k = 0; k < 3 && !mutated.empty(); ++k) {
      mutated[rng() % mutated.size()] = "+- @\\\"\n"[rng() % 7];
    }
    try {
      parse_unified_diff(mutated);
    } catch (const factory::core::Error& e) {
      CHECK(std::string(e.what()).find("diff:") == 0);
    }
  }
}
