#pragma once

// Real local servers for the HTTP probe tests: a Python process on 127.0.0.1 that picks its own
// free port and prints it, so no port is guessed and nothing outside this machine is involved.

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

extern char** environ;

namespace factory::test {

// Serves files from a directory (Python's http.server).
inline const char* k_file_server_py = R"(
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
server = http.server.HTTPServer(('127.0.0.1', 0), handler)
print(server.server_address[1], flush=True)
server.serve_forever()
)";

// Accepts connections and never answers.
inline const char* k_silent_server_py = R"(
import socket
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept()[0])
)";

// A Python script run by /usr/bin/python3 (the PATH one may be a pyenv), stopped at the end
// of the test. `port` is what the script printed first.
class PythonServer {
 public:
  PythonServer(const char* script, const std::vector<std::string>& args = {}) {
    int out[2];
    REQUIRE(pipe(out) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);  // its log
    std::vector<std::string> argv_text = {"/usr/bin/python3", "-c", script};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int rc = posix_spawn(&m_pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    REQUIRE(rc == 0);
    std::string line;
    char c = 0;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    close(out[0]);
    REQUIRE_MESSAGE(!line.empty(), "the python server printed no port");
    port = std::stoi(line);
  }
  ~PythonServer() {
    kill(m_pid, SIGKILL);
    waitpid(m_pid, nullptr, 0);
  }
  PythonServer(const PythonServer&) = delete;
  PythonServer& operator=(const PythonServer&) = delete;

  // http://127.0.0.1:<port><path>
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }

  int port = 0;

 private:
  pid_t m_pid = -1;
};

// A real temp directory, removed at the end of the test.
struct HttpTempDir {
  std::filesystem::path path;
  HttpTempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "factory-http-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~HttpTempDir() { std::filesystem::remove_all(path); }
};

}  // namespace factory::test
