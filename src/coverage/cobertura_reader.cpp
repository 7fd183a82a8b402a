#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <pugixml.hpp>

#include "coverage/format_readers.hpp"

namespace factory::coverage {

namespace {

constexpr const char* k_hint =
    "a Cobertura report is <coverage><packages><package><classes><class filename=...><lines>"
    "<line number=... hits=.../>";

int line_of_offset(std::string_view text, ptrdiff_t offset) {
  offset = std::clamp<ptrdiff_t>(offset, 0, static_cast<ptrdiff_t>(text.size()));
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
}

class CoberturaParser {
 public:
  CoberturaParser(std::string_view text, const std::string& name) : m_text(text), m_name(name) {}

  [[noreturn]] void fail(const pugi::xml_node& node, const std::string& what) const {
    bad_report(fmt::format("{}:{}", m_name, line_of_offset(m_text, node.offset_debug())), what,
               k_hint);
  }

  int attr_line(const pugi::xml_node& node) const {
    auto v = parse_integer(node.attribute("number").value());
    if (!v || *v < 1 || *v > 100'000'000) {
      fail(node, fmt::format("<line> has no valid number (number=\"{}\")",
                             node.attribute("number").value()));
    }
    return static_cast<int>(*v);
  }

  // hits="3"; some writers use "3.0" or omit it for "not run".
  long long attr_hits(const pugi::xml_node& node) const {
    std::string_view text = node.attribute("hits").value();
    if (text.empty()) return 0;
    if (auto v = parse_integer(text, true)) return std::max(*v, 0LL);
    char* end = nullptr;
    std::string copy(text);
    double d = std::strtod(copy.c_str(), &end);
    if (end == copy.c_str() || *end != '\0' || !std::isfinite(d)) {
      fail(node, fmt::format("<line> hits=\"{}\" is not a number", text.substr(0, 30)));
    }
    return d <= 0 ? 0 : static_cast<long long>(std::min(d, 9e18));
  }

  // One <class>: its lines (the max where a line repeats within the report: one run counted
  // once) and its methods, each ranging over its own lines.
  FileCoverage read_class(const pugi::xml_node& cls) const {
    FileCoverage file;
    for (auto line : cls.child("lines").children("line")) {
      long long hits = attr_hits(line);
      auto [it, inserted] = file.lines.try_emplace(attr_line(line), hits);
      if (!inserted) it->second = std::max(it->second, hits);
    }
    std::string class_name = cls.attribute("name").value();
    std::string filename = cls.attribute("filename").value();
    bool qualify = !class_name.empty() && class_name != filename &&
                   class_name.find_first_of("/\\") == std::string::npos;
    for (auto method : cls.child("methods").children("method")) {
      FunctionCoverage f;
      std::string name = method.attribute("name").value();
      f.name = qualify ? class_name + "." + name : name;
      for (auto line : method.child("lines").children("line")) {
        int number = attr_line(line);
        f.first_line = f.first_line == 0 ? number : std::min(f.first_line, number);
        f.last_line = std::max(f.last_line, number);
        f.hits = std::max(f.hits, attr_hits(line));
      }
      if (!name.empty() && f.first_line > 0) file.functions.push_back(f);
    }
    return file;
  }

  Report parse(PathMapper& mapper) {
    pugi::xml_document doc;
    auto result =
        doc.load_buffer(m_text.data(), m_text.size(), pugi::parse_default, pugi::encoding_auto);
    if (!result) {
      bad_report(fmt::format("{}:{}", m_name, line_of_offset(m_text, result.offset)),
                 fmt::format("XML parse error: {}", result.description()),
                 "the report is truncated or not XML; regenerate it");
    }
    auto root = doc.document_element();
    if (std::string_view(root.name()) != "coverage") {
      fail(root, fmt::format("root element is <{}>, not <coverage>: not a Cobertura report",
                             root.name()));
    }
    std::vector<std::string> sources;
    for (auto s : root.child("sources").children("source")) sources.push_back(s.text().get());
    for (auto& s : sources) {
      s.erase(0, s.find_first_not_of(" \t\r\n"));
      s.erase(s.find_last_not_of(" \t\r\n") + 1);
    }
    mapper.set_source_roots(sources);
    Report report;
    report.format = Format::cobertura;
    int classes = 0;
    for (auto pkg : root.child("packages").children("package")) {
      for (auto cls : pkg.child("classes").children("class")) {
        ++classes;
        std::string filename = cls.attribute("filename").value();
        if (filename.empty()) fail(cls, "<class> has no filename attribute");
        FileCoverage file = read_class(cls);
        auto path = mapper.map(filename);
        if (!path) {
          note_outside(report, filename);
          continue;
        }
        Report one;
        file.path = *path;
        one.files[*path] = std::move(file);
        merge_classes(report, one);
      }
    }
    if (classes == 0) fail(root, "no <class> element: the report is empty");
    return report;
  }

 private:
  // Several <class> elements for one file (Java inner classes): the max per line.
  static void merge_classes(Report& into, Report& one) {
    for (auto& [path, file] : one.files) {
      auto [it, inserted] = into.files.try_emplace(path, file);
      if (inserted) continue;
      for (const auto& [line, hits] : file.lines) {
        auto& target = it->second.lines[line];
        target = std::max(target, hits);
      }
      for (auto& f : file.functions) it->second.functions.push_back(f);
    }
  }

  std::string_view m_text;
  const std::string& m_name;
};

}  // namespace

Report parse_cobertura(std::string_view text, const std::string& name, PathMapper& mapper) {
  CoberturaParser parser(text, name);
  return parser.parse(mapper);
}

}  // namespace factory::coverage
