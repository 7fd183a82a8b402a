#include <doctest/doctest.h>

#include "core/error.hpp"
#include "coverage/analysis.hpp"
#include "coverage/readers.hpp"
#include "test_coverage_support.hpp"
#include "test_error_support.hpp"

using namespace factory::coverage;
using coverage_test::detached;
using coverage_test::read_fixture;
using coverage_test::Workspace;

namespace {

std::string xml(const std::string& sources, const std::string& classes) {
  return "<?xml version=\"1.0\" ?>\n<coverage version=\"6.5.0\">\n<sources>" + sources +
         "</sources>\n<packages><package name=\"p\"><classes>\n" + classes +
         "</classes></package></packages>\n</coverage>\n";
}

std::string cls(const std::string& filename, const std::string& lines) {
  return "<class name=\"" + filename + "\" filename=\"" + filename + "\"><methods/><lines>" +
         lines + "</lines></class>\n";
}

std::string error_of(const std::string& text) {
  return factory::testing::usage_error_of(
      [&] { parse_report(text, Format::cobertura, "coverage.xml", detached()); });
}

}  // namespace

TEST_CASE("Cobertura: lines and methods with ranges from their lines") {
  Report r =
      parse_report(read_fixture("dotnet_coverage.xml"), Format::cobertura, "d.xml", detached());
  const auto& f = r.files.at("Sample.cs");
  CHECK(f.measured() == 12);
  CHECK(f.covered() == 9);
  REQUIRE(f.functions.size() == 2);  // .ctor has no lines: nothing to locate
  CHECK(f.functions[1].name == "SampleApp.Sample.DoSomethingNew");
  CHECK(f.functions[1].first_line == 23);
  CHECK(f.functions[1].last_line == 25);
  CHECK(f.functions[1].hits == 0);
}

TEST_CASE("Cobertura <source> roots: absolute, inside the workspace (dotnet fixture)") {
  // diff-cover's test_dot_net_diff: the git root is /code/samplediff/. The diff adds lines
  // 21-25 of SampleApp/Sample.cs; the report measures 23-25, none ran (worked out by hand: the
  // corpus has no console report for it).
  ReadOptions options = detached();
  options.repo_root = "/code/samplediff";
  Report r = parse_report(read_fixture("dotnet_coverage.xml"), Format::cobertura, "d.xml", options);
  REQUIRE(r.files.count("SampleApp/Sample.cs"));
  Analysis a = analyze(r, parse_unified_diff(read_fixture("git_diff_dotnet.txt")), Rules{});
  CHECK(a.patch_measured == 3);
  CHECK(a.patch_covered == 0);
  CHECK(a.files.at(0).uncovered_changed == std::vector<int>{23, 24, 25});
}

TEST_CASE("Cobertura: absolute filenames inside and outside the workspace") {
  Workspace ws;
  ws.write("src/a.py", "a = 1\n");
  ws.write("pkg/b.py", "b = 1\n");
  std::string root = ws.root().string();
  std::string text = xml("<source>" + root + "/pkg</source>",
                         cls(root + "/src/a.py", "<line number=\"1\" hits=\"1\"/>") +
                             cls("b.py", "<line number=\"1\" hits=\"0\"/>") +
                             cls("/opt/other/c.py", "<line number=\"1\" hits=\"1\"/>") +
                             cls("missing.py", "<line number=\"1\" hits=\"1\"/>"));
  Report r = parse_report(text, Format::cobertura, "c.xml", ws.options());
  CHECK(r.files.count("src/a.py"));
  CHECK(r.files.count("pkg/b.py"));  // via the <source> root
  CHECK(r.files.size() == 2);
  CHECK(r.outside == std::vector<std::string>{"/opt/other/c.py", "missing.py"});
}

TEST_CASE("Cobertura: a line in two classes of one file counts once (the max)") {
  Report r = parse_report(xml("", cls("A.java", "<line number=\"4\" hits=\"0\"/>") +
                                      cls("A.java", "<line number=\"4\" hits=\"2\"/>")),
                          Format::cobertura, "c.xml", detached());
  CHECK(r.files.at("A.java").lines.at(4) == 2);
}

TEST_CASE("Cobertura bad input: broken XML names the line, wrong root, empty, bad numbers") {
  std::string broken = xml("", cls("a.py", "<line number=\"1\" hits=\"1\"/>"));
  broken.resize(broken.size() / 2);
  std::string e = error_of(broken);
  CHECK(e.find("coverage.xml:") == 0);
  CHECK(e.find("XML parse error") != std::string::npos);
  CHECK(error_of("<?xml version=\"1.0\"?>\n\n<coverage>\n<packages>\n<package>\n<oops\n")
            .find("coverage.xml:6: XML parse error") == 0);
  CHECK(error_of("<report/>").find("not a Cobertura report") != std::string::npos);
  CHECK(error_of("<coverage/>").find("no <class> element: the report is empty") !=
        std::string::npos);
  CHECK(error_of(xml("", "\n\n" + cls("a.py", "<line number=\"x\" hits=\"1\"/>")))
            .find("coverage.xml:7: <line> has no valid number") == 0);
  CHECK(error_of(xml("", cls("a.py", "<line number=\"1\" hits=\"lots\"/>"))).find("hits") !=
        std::string::npos);
  CHECK(error_of(xml("", "<class name=\"x\"><lines/></class>")).find("no filename") !=
        std::string::npos);
  CHECK(error_of("   ").find("empty") != std::string::npos);
}

TEST_CASE("Cobertura from coverage.py carries no methods: Python functions come from the source") {
  Workspace ws;
  ws.write("pay.py",
           "import os\n\n\nclass Card:\n    def charge(self, amount,\n               currency):\n"
           "        \"\"\"Charge.\n\nLong docstring at column 0.\n        \"\"\"\n"
           "        if amount < 0:\n            raise ValueError(amount)\n        return amount\n\n"
           "    async def refund(self):\n        return 0\n\n\ndef helper():\n    return 1\n");
  std::string lines;
  for (auto [n, h] : std::vector<std::pair<int, int>>{
           {1, 1}, {4, 1}, {5, 1}, {11, 2}, {12, 0}, {13, 2}, {15, 1}, {16, 0}, {19, 1}, {20, 0}}) {
    lines += "<line number=\"" + std::to_string(n) + "\" hits=\"" + std::to_string(h) + "\"/>";
  }
  Report r = parse_report(xml("<source>" + ws.root().string() + "</source>", cls("pay.py", lines)),
                          Format::cobertura, "c.xml", ws.options());
  const auto& fns = r.files.at("pay.py").functions;
  REQUIRE(fns.size() == 3);
  CHECK(fns[0].name == "Card.charge");
  CHECK(fns[0].first_line == 5);
  CHECK(fns[0].last_line == 13);
  CHECK(fns[0].hits == 2);
  CHECK(fns[1].name == "Card.refund");
  CHECK(fns[1].first_line == 15);
  CHECK(fns[1].last_line == 16);
  CHECK(fns[1].hits == 0);  // its def line ran at import; its body never did
  CHECK(fns[2].name == "helper");
  CHECK(fns[2].hits == 0);
}
