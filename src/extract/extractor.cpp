#include "extract/extractor.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <memory>

#include "core/error.hpp"
#include "extract/assembler.hpp"
#include "extract/line_clean.hpp"
#include "extract/structured.hpp"

namespace factory::extract {

namespace {

constexpr size_t k_chunk = 1 << 20;         // read size
constexpr size_t k_document_cap = 2 << 20;  // whole-document formats larger than this read as text
constexpr size_t k_last_lines = 10;

// The built-in table is compiled once per process; user patterns need a table of their own.
std::shared_ptr<const CompiledTable> table_for(const Options& options) {
  static const auto k_builtin = std::make_shared<const CompiledTable>(builtin_patterns());
  if (options.user_patterns.empty()) return k_builtin;
  auto specs = options.user_patterns;
  specs.insert(specs.end(), builtin_patterns().begin(), builtin_patterns().end());
  return std::make_shared<const CompiledTable>(specs);
}

// Where input comes from: a descriptor, or text already in memory.
class Input {
 public:
  Input(int fd, std::string_view name) : m_fd(fd), m_name(name) {}
  explicit Input(std::string_view text) : m_text(text), m_memory(true) {}

  // Appends up to `size` bytes to `out`; 0 at end of input.
  size_t read(std::string& out, size_t size) {
    if (m_memory) {
      size_t n = std::min(size, m_text.size());
      out.append(m_text.substr(0, n));
      m_text.remove_prefix(n);
      return n;
    }
    size_t old = out.size();
    out.resize(old + size);
    ssize_t n;
    while ((n = ::read(m_fd, out.data() + old, size)) < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) break;
      pollfd ready{m_fd, POLLIN, 0};  // a non-blocking stdin: wait for the writer
      ::poll(&ready, 1, -1);
    }
    if (n < 0) {
      // A failed read is no end of input: a log cut short would be a silent pass.
      throw core::Error(core::ExitCode::usage,
                        fmt::format("cannot read {}: {}", m_name, std::strerror(errno)),
                        "name a readable log file, or pipe the log in");
    }
    out.resize(old + static_cast<size_t>(n));
    return static_cast<size_t>(n);
  }

 private:
  int m_fd = -1;
  std::string m_name;
  std::string_view m_text;
  bool m_memory = false;
};

// A log that is one structured document (SARIF, JUnit XML, pretty-printed JSON) rather than lines.
bool looks_like_document(std::string_view head) {
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  size_t first = head.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  char c = head[first];
  if (c == '<') return head.substr(first, 5) == "<?xml" || head.substr(first, 10) == "<testsuite";
  if (c != '{' && c != '[') return false;
  // JSON opens an object with a key or an array with an object: "[ 42%] Building" is not JSON.
  size_t next = head.find_first_not_of(" \t\r\n", first + 1);
  if (next == std::string_view::npos) return false;
  if (c == '[' ? head[next] != '{' : head[next] != '"') return false;
  // One JSON value per line is a stream (go test -json, cargo): read as lines. A first line the
  // head cut off is a long minified document, whatever byte the cut fell on.
  size_t newline = head.find('\n', first);
  if (newline == std::string_view::npos) return true;
  std::string_view line = head.substr(first, newline - first);
  return line.back() != '}' && line.back() != ']';
}

// Appends the last lines of `text` to `last`, keeping at most k_last_lines of k_context_width.
void keep_last_lines(std::string_view text, std::deque<std::string>& last) {
  size_t end = text.size();
  if (end > 0 && text[end - 1] == '\n') --end;
  std::vector<std::string> tail;
  while (!text.empty() && tail.size() < k_last_lines) {
    size_t start = end == 0 ? std::string_view::npos : text.rfind('\n', end - 1);
    start = start == std::string_view::npos ? 0 : start + 1;
    tail.push_back(std::string(text.substr(start, std::min(end - start, k_context_width))));
    if (start == 0) break;
    end = start - 1;
  }
  for (auto it = tail.rbegin(); it != tail.rend(); ++it) last.push_back(std::move(*it));
  while (last.size() > k_last_lines) last.pop_front();
}

// Reads input in chunks, cleans them and hands complete lines to the assembler.
class Reader {
 public:
  Reader(Input& input, Assembler& assembler) : m_input(input), m_assembler(assembler) {}

  void run(std::string pending) {
    m_buffer = std::move(pending);
    bool eof = false;
    while (!eof) {
      if (m_input.read(m_buffer, k_chunk) == 0) eof = true;
      size_t last_newline = m_buffer.rfind('\n');
      size_t complete =
          eof ? m_buffer.size() : (last_newline == std::string::npos ? 0 : last_newline + 1);
      if (complete > 0) {
        std::string lines = m_buffer.substr(0, complete);
        m_buffer.erase(0, complete);
        consume(lines);
      }
      cut_long_line();
    }
  }

  uint64_t bytes = 0;
  uint64_t lines = 0;
  std::deque<std::string> last;

 private:
  // `added` bytes of `text` were not in the input (the newline ending a cut line).
  void consume(std::string& text, size_t added = 0) {
    bytes += text.size() - added;
    clean_lines(text);
    lines += std::count(text.begin(), text.end(), '\n');
    if (!text.empty() && text.back() != '\n') ++lines;
    m_assembler.feed(text);
    keep_last_lines(text, last);
  }

  // A line longer than k_max_line keeps its start; the rest is read and dropped.
  void cut_long_line() {
    if (m_buffer.size() <= k_max_line) return;
    bytes += m_buffer.size() - k_max_line;
    m_buffer.resize(k_max_line);
    m_buffer += '\n';
    consume(m_buffer, 1);
    m_buffer.clear();
    m_dropping = true;
    drop_rest_of_line();
  }

  void drop_rest_of_line() {
    std::string scratch;
    while (m_dropping) {
      scratch.clear();
      if (m_input.read(scratch, k_chunk) == 0) return;
      size_t newline = scratch.find('\n');
      if (newline == std::string::npos) {
        bytes += scratch.size();
        continue;
      }
      bytes += newline + 1;
      m_buffer = scratch.substr(newline + 1);
      m_dropping = false;
    }
  }

  Input& m_input;
  Assembler& m_assembler;
  std::string m_buffer;
  bool m_dropping = false;
};

Extraction extract(Input& input, const Options& options) {
  auto table = table_for(options);
  Assembler assembler(*table, options);
  std::string head;
  while (head.size() < 64 * 1024 && input.read(head, 64 * 1024 - head.size()) > 0) {
  }
  if (looks_like_document(head)) {
    while (head.size() <= k_document_cap && input.read(head, k_chunk) > 0) {
    }
    if (head.size() <= k_document_cap) {
      if (auto findings = parse_document(head)) {
        assembler.add(std::move(*findings));
        Extraction out = assembler.finish();
        out.bytes = head.size();
        out.lines = std::count(head.begin(), head.end(), '\n');
        std::deque<std::string> last;
        std::string tail = head.substr(head.size() - std::min<size_t>(head.size(), 64 << 10));
        clean_lines(tail);
        keep_last_lines(tail, last);
        out.last_lines.assign(last.begin(), last.end());
        return out;
      }
    }
  }
  Reader reader(input, assembler);
  reader.run(std::move(head));
  Extraction out = assembler.finish();
  out.bytes = reader.bytes;
  out.lines = reader.lines;
  out.last_lines.assign(reader.last.begin(), reader.last.end());
  return out;
}

}  // namespace

Extraction extract_fd(int fd, const Options& options, std::string_view name) {
  Input input(fd, name);
  return extract(input, options);
}

Extraction extract_text(std::string_view text, const Options& options) {
  Input input(text);
  return extract(input, options);
}

Extraction extract_file(const std::filesystem::path& log, const Options& options) {
  int fd = ::open(log.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw core::Error(core::ExitCode::usage,
                      fmt::format("cannot read {}: {}", log.string(), std::strerror(errno)),
                      "check the path");
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  return extract_fd(fd, options, log.string());
}

}  // namespace factory::extract
