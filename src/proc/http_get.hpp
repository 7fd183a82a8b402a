#pragma once

#include <chrono>
#include <string>

namespace factory::proc {

// The largest response body http_get reads; a probe prints a number or a few log lines.
inline constexpr size_t k_http_body_limit = 64 * 1024;

// How an HTTP GET ended. A non-2xx status is an error, with the body kept for the message.
struct HttpResult {
  bool ok = false;
  long status = 0;    // the HTTP status, 0 when no response arrived
  std::string body;   // at most k_http_body_limit bytes
  std::string error;  // a few words when !ok: "HTTP 500", "connection refused", ...
};

// GETs an http:// URL on this machine (127.0.0.1, localhost or [::1]) with libcurl: a URL for any
// other host or scheme is refused before anything connects. No proxy, no redirects followed, the
// whole request bounded by `timeout` (0 = none), and Ctrl-C (proc/interrupt.hpp) aborts it.
HttpResult http_get(const std::string& url, std::chrono::milliseconds timeout);

// How a probe that ran out of time is described: "timed out after 10s" / "... after 300ms".
std::string timed_out_text(std::chrono::milliseconds timeout);

}  // namespace factory::proc
