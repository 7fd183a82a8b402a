#include "proc/http_get.hpp"

#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "unit/test_http_support.hpp"

namespace fs = std::filesystem;
using factory::proc::http_get;
using factory::test::HttpTempDir;
using factory::test::PythonServer;
using namespace std::chrono_literals;

namespace {

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A TCP socket on 0.0.0.0 with a free port, listening when asked: lets a test see whether
// anything connected, or (not listening) refuse every connection.
struct Listener {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  explicit Listener(bool listening) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_ANY);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    socklen_t size = sizeof(address);
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    port = ntohs(address.sin_port);
    if (listening) REQUIRE(listen(fd, 8) == 0);
  }
  ~Listener() { close(fd); }
  // Whether a connection is waiting to be accepted (the kernel completes it before connect()
  // returns, so a client that connected has left one here).
  bool has_connection() const {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, 0) == 1;
  }
};

}  // namespace

TEST_CASE("http_get reads the body a local server sends") {
  HttpTempDir dir;
  write_file(dir.path / "error_rate", "0.25\n");
  PythonServer server(factory::test::k_file_server_py, {dir.path.string()});

  auto result = http_get(server.url("/error_rate"), 5s);
  CHECK(result.ok);
  CHECK(result.status == 200);
  CHECK(result.body == "0.25\n");
  CHECK(result.error.empty());

  SUBCASE("localhost names the same server") {
    auto local = http_get("http://localhost:" + std::to_string(server.port) + "/error_rate", 5s);
    CHECK(local.ok);
    CHECK(local.body == "0.25\n");
  }
  SUBCASE("a proxy in the environment is not used") {
    Listener dead_proxy(false);
    std::string proxy = "http://127.0.0.1:" + std::to_string(dead_proxy.port);
    setenv("http_proxy", proxy.c_str(), 1);
    setenv("HTTP_PROXY", proxy.c_str(), 1);
    auto direct = http_get(server.url("/error_rate"), 5s);
    unsetenv("http_proxy");
    unsetenv("HTTP_PROXY");
    CHECK(direct.ok);
    CHECK(direct.body == "0.25\n");
  }
}

TEST_CASE("http_get reports a status outside 2xx as an error") {
  HttpTempDir dir;
  fs::create_directory(dir.path / "sub");
  PythonServer server(factory::test::k_file_server_py, {dir.path.string()});

  auto missing = http_get(server.url("/nothing-here"), 5s);
  CHECK_FALSE(missing.ok);
  CHECK(missing.status == 404);
  CHECK(missing.error == "HTTP 404");

  // http.server redirects /sub to /sub/; the redirect is reported, not followed.
  auto moved = http_get(server.url("/sub"), 5s);
  CHECK_FALSE(moved.ok);
  CHECK(moved.error == "HTTP 301");
}

TEST_CASE("http_get refuses a body larger than 64 KiB") {
  HttpTempDir dir;
  write_file(dir.path / "big", std::string(100 * 1024, 'x'));
  PythonServer server(factory::test::k_file_server_py, {dir.path.string()});

  auto result = http_get(server.url("/big"), 5s);
  CHECK_FALSE(result.ok);
  CHECK(result.error == "response larger than 64 KiB");
  CHECK(result.body.size() <= factory::proc::k_http_body_limit);
}

TEST_CASE("http_get says the connection was refused when nothing listens") {
  Listener closed(false);
  auto result = http_get("http://127.0.0.1:" + std::to_string(closed.port) + "/", 5s);
  CHECK_FALSE(result.ok);
  CHECK(result.status == 0);
  CHECK(result.error == "connection refused");
}

TEST_CASE("http_get gives up on a server that never answers") {
  PythonServer silent(factory::test::k_silent_server_py);
  auto result = http_get(silent.url("/metrics"), 300ms);
  CHECK_FALSE(result.ok);
  CHECK(result.error == "timed out after 300ms");
}

TEST_CASE("http_get refuses other hosts and schemes without connecting") {
  Listener listener(true);
  std::string port = std::to_string(listener.port);

  for (const std::string& url : std::vector<std::string>{
           "http://127.0.0.2:" + port + "/", "http://example.com:" + port + "/",
           "http://127.0.0.1:80@10.0.0.1:" + port + "/", "https://127.0.0.1:" + port + "/",
           "ftp://127.0.0.1:" + port + "/", "not a url"}) {
    CAPTURE(url);
    auto result = http_get(url, 200ms);
    CHECK_FALSE(result.ok);
    CHECK(result.status == 0);
    CHECK_FALSE(result.error.empty());
  }
  CHECK(http_get("http://127.0.0.2:" + port + "/", 200ms).error ==
        "refusing to contact 127.0.0.2: only 127.0.0.1, localhost and [::1] are probed");
  CHECK(http_get("https://127.0.0.1:" + port + "/", 200ms).error ==
        "only http:// URLs are probed, not https://");
  CHECK_FALSE(listener.has_connection());
  // IPv6 loopback is this machine too: tried (nothing listens there), not refused.
  CHECK(http_get("http://[::1]:" + port + "/", 200ms).error.find("refusing") == std::string::npos);

  // The same listener does see an allowed URL connect, so the check above means something.
  http_get("http://127.0.0.1:" + port + "/", 200ms);
  CHECK(listener.has_connection());
}
