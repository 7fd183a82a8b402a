#include "proc/http_get.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <memory>
#include <mutex>
#include <optional>

#include "proc/interrupt.hpp"

namespace factory::proc {

namespace {

struct UrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

// curl_global_init is not thread-safe and costs a little, so it runs once, on the first GET.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// One part of a parsed URL, lowercased; "" when the URL has none.
std::string url_part(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK || !value) return "";
  std::string out = value;
  curl_free(value);
  return lowercase(out);
}

// Parses `text` with curl's own parser (the one the transfer uses) and checks it names this
// machine over plain HTTP; the error says why not.
std::optional<std::string> refuse_url(CURLU* url, const std::string& text) {
  if (CURLUcode rc = curl_url_set(url, CURLUPART_URL, text.c_str(), 0); rc != CURLUE_OK) {
    return fmt::format("not a URL: {}", curl_url_strerror(rc));
  }
  std::string scheme = url_part(url, CURLUPART_SCHEME);
  if (scheme != "http") return fmt::format("only http:// URLs are probed, not {}://", scheme);
  std::string host = url_part(url, CURLUPART_HOST);
  if (host != "127.0.0.1" && host != "localhost" && host != "[::1]") {
    return fmt::format("refusing to contact {}: only 127.0.0.1, localhost and [::1] are probed",
                       host);
  }
  return std::nullopt;
}

struct Transfer {
  std::string body;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  if (transfer->body.size() + bytes > k_http_body_limit) {
    transfer->too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  transfer->body.append(data, bytes);
  return bytes;
}

int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return interrupt_requested() ? 1 : 0;  // non-zero aborts the transfer
}

// Everything that keeps the request on this machine and bounded.
void configure(CURL* easy, CURLU* url, Transfer& transfer, std::chrono::milliseconds timeout,
               char* error_buffer) {
  curl_easy_setopt(easy, CURLOPT_CURLU, url);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_PROXY, "");
  curl_easy_setopt(easy, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM games in a threaded program
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "factory-probe");
}

// A few words for a failed transfer: the cases a person meets by name, curl's text otherwise.
std::string transfer_error(CURL* easy, CURLcode code, const Transfer& transfer,
                           std::chrono::milliseconds timeout, const std::string& detail) {
  long os_errno = 0;
  curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return timed_out_text(timeout);
    case CURLE_ABORTED_BY_CALLBACK:
      return "interrupted";
    case CURLE_WRITE_ERROR:
      if (transfer.too_large)
        return fmt::format("response larger than {} KiB", k_http_body_limit / 1024);
      break;
    case CURLE_COULDNT_CONNECT:
      if (os_errno == ECONNREFUSED) return "connection refused";
      break;
    default:
      break;
  }
  return detail.empty() ? curl_easy_strerror(code) : detail;
}

}  // namespace

std::string timed_out_text(std::chrono::milliseconds timeout) {
  if (timeout.count() % 1000 == 0)
    return fmt::format("timed out after {}s", timeout.count() / 1000);
  return fmt::format("timed out after {}ms", timeout.count());
}

HttpResult http_get(const std::string& url, std::chrono::milliseconds timeout) {
  HttpResult result;
  init_curl_once();
  UrlHandle parsed(curl_url());
  EasyHandle easy(curl_easy_init());
  if (!parsed || !easy) {
    result.error = "libcurl could not start";
    return result;
  }
  if (auto refused = refuse_url(parsed.get(), url)) {
    result.error = *refused;
    return result;
  }
  Transfer transfer;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  configure(easy.get(), parsed.get(), transfer, timeout, error_buffer.data());
  CURLcode code = curl_easy_perform(easy.get());
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &result.status);
  result.body = std::move(transfer.body);
  if (code != CURLE_OK) {
    result.error = transfer_error(easy.get(), code, transfer, timeout, error_buffer.data());
  } else if (result.status < 200 || result.status > 299) {
    result.error = fmt::format("HTTP {}", result.status);
  } else {
    result.ok = true;
  }
  return result;
}

}  // namespace factory::proc
