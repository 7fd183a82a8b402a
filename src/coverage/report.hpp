#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace factory::coverage {

// Which tool format a report file is in.
enum class Format { lcov, cobertura, go_profile };

// One function as a report measures it: where it starts and ends (end 0 = unknown) and
// whether it ran.
struct FunctionCoverage {
  std::string name;
  int first_line = 0;
  int last_line = 0;
  long long hits = 0;
};

// One source file: per measured line, how often it ran. A line absent from `lines` is not
// measured (blank, comment, declaration) and counts neither way.
struct FileCoverage {
  std::string path;                // repository-relative, '/'-separated
  std::map<int, long long> lines;  // line -> hit count
  std::vector<FunctionCoverage> functions;

  int measured() const { return static_cast<int>(lines.size()); }
  int covered() const;
};

// A whole report, paths already made relative to the repository.
struct Report {
  Format format = Format::lcov;
  std::map<std::string, FileCoverage> files;  // by path
  // Paths the report names that are outside the workspace or name no file in it, as written
  // in the report; kept out of `files` and every total so the caller can warn about them.
  std::vector<std::string> outside;
  // Changed source files the report does not name (no test loaded them), with the functions a
  // scan of their source finds (hits 0), so a critical function in them is still checked.
  // Filled by add_unreported_sources.
  std::map<std::string, std::vector<FunctionCoverage>> unreported;
};

// Adds `from` into `into` (several reports of one run, e.g. per package or per test suite):
// hit counts of a line are summed, so a line is covered when any report ran it; functions are
// merged by (name, first line), their hits summed; `outside` lists are joined.
void merge_report(Report& into, const Report& from);

// total += more for non-negative hit counts, stopping at the largest count instead of
// overflowing (a damaged report can claim any number).
void add_hits(long long& total, long long more);

// covered / measured as a percentage; nullopt when nothing is measured.
std::optional<double> percent(int covered, int measured);

std::string format_name(Format format);
std::optional<Format> parse_format(const std::string& name);

}  // namespace factory::coverage
