#include "config/pattern.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <pcre2.h>

#include <stdexcept>

namespace factory::config {

namespace {
// Enough for any sane check on a large file; a runaway backtrack stops here instead.
constexpr uint32_t k_match_limit = 10'000'000;
constexpr uint32_t k_heap_limit_kib = 512 * 1024;  // PCRE2 backtracks on the heap, not the stack

std::string pcre2_message(int code) {
  PCRE2_UCHAR buffer[256];
  pcre2_get_error_message(code, buffer, sizeof(buffer));
  return reinterpret_cast<const char*>(buffer);
}
}  // namespace

struct Pattern::Impl {
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;
  ~Impl() {
    pcre2_match_context_free(context);
    pcre2_code_free(code);
  }
};

Pattern::Pattern(std::string_view pattern) : m_impl(std::make_unique<Impl>()) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  m_impl->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                               PCRE2_MULTILINE | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &error,
                               &offset, nullptr);
  if (!m_impl->code) {
    throw std::invalid_argument(fmt::format("{} at offset {}", pcre2_message(error), offset));
  }
  m_impl->context = pcre2_match_context_create(nullptr);
  pcre2_set_match_limit(m_impl->context, k_match_limit);
  pcre2_set_heap_limit(m_impl->context, k_heap_limit_kib);
}

Pattern::~Pattern() = default;
Pattern::Pattern(Pattern&&) noexcept = default;
Pattern& Pattern::operator=(Pattern&&) noexcept = default;

bool Pattern::search(std::string_view text) const {
  pcre2_match_data* data = pcre2_match_data_create_from_pattern(m_impl->code, nullptr);
  int rc = pcre2_match(m_impl->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0,
                       data, m_impl->context);
  pcre2_match_data_free(data);
  if (rc >= 0) return true;
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  throw std::runtime_error(pcre2_message(rc));
}

std::optional<std::string> pattern_error(std::string_view pattern) {
  try {
    Pattern compiled(pattern);
  } catch (const std::invalid_argument& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

}  // namespace factory::config
