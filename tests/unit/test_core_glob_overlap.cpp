#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/glob_overlap.hpp"

using factory::core::Boundaries;
using factory::core::boundaries_may_touch;
using factory::core::globs_may_overlap;

namespace {

Boundaries allowing(std::vector<std::string> allowed, std::vector<std::string> forbidden = {}) {
  Boundaries b;
  b.allowed_files = std::move(allowed);
  b.forbidden_files = std::move(forbidden);
  return b;
}

}  // namespace

TEST_CASE("globs overlap when one's fixed folder is the other's or lies inside it") {
  CHECK(globs_may_overlap("src/pay/**", "src/pay/**"));
  CHECK(globs_may_overlap("src/pay/**", "src/**"));
  CHECK(globs_may_overlap("src/**", "src/pay/**"));
  CHECK(globs_may_overlap("src/pay/**", "src/pay/refund.py"));  // a path inside the folder
  CHECK(globs_may_overlap("src/pay", "src/pay/refund.py"));     // a folder covers what is below
  CHECK(globs_may_overlap("src/pa*/x.py", "src/pay/**"));       // the wildcard may be "pay"
  CHECK(globs_may_overlap("/src/pay/", "src/pay/**"));          // leading and trailing '/'
  CHECK_FALSE(globs_may_overlap("src/pay/**", "src/web/**"));
  CHECK_FALSE(globs_may_overlap("src/pay/**", "src/payments/**"));  // folders, not prefixes
  CHECK_FALSE(globs_may_overlap("src/pay/**", "docs/**"));
  CHECK_FALSE(globs_may_overlap("src/pay/a.py", "src/pay/b.py"));
}

TEST_CASE("a glob without '/' or with a leading wildcard may match anywhere") {
  CHECK(globs_may_overlap("src/pay/**", "**"));
  CHECK(globs_may_overlap("src/pay/**", "*.py"));       // src/pay/x.py
  CHECK(globs_may_overlap("src/pay/**", "pay"));        // any folder named pay
  CHECK(globs_may_overlap("src/pay/**", "**/test_*"));  // src/pay/test_x
  // On purpose an over-approximation: the same folder counts, whatever the file names.
  CHECK(globs_may_overlap("src/pay/*.py", "src/pay/*.go"));
}

TEST_CASE("boundaries touch an incident's paths through an allowed glob, unless forbidden") {
  std::vector<std::string> pay = {"src/pay/**"};
  CHECK(boundaries_may_touch(Boundaries{}, pay));  // the default allows everything
  CHECK(boundaries_may_touch(allowing({"src/pay/**", "tests/**"}), pay));
  CHECK(boundaries_may_touch(allowing({"src/**"}), pay));
  CHECK_FALSE(boundaries_may_touch(allowing({"src/web/**", "tests/web/**"}), pay));
  CHECK_FALSE(boundaries_may_touch(allowing({}), pay));  // allows nothing
  // A negated allowed entry opens nothing.
  CHECK_FALSE(boundaries_may_touch(allowing({"docs/**", "!src/pay/**"}), pay));
  // Forbidden folders shut an incident's paths off...
  CHECK_FALSE(boundaries_may_touch(allowing({"**"}, {"src/pay/**"}), pay));
  CHECK_FALSE(boundaries_may_touch(allowing({"**"}, {"src/"}), pay));
  CHECK_FALSE(boundaries_may_touch(allowing({"**"}, {"**"}), pay));
  CHECK_FALSE(boundaries_may_touch(allowing({"**"}, {"pay"}), pay));  // a folder named pay
  CHECK(boundaries_may_touch(allowing({"**"}, {"payments/"}), pay));
  // ...but not when they forbid only part of them, or a negation may take a folder back.
  CHECK(boundaries_may_touch(allowing({"**"}, {"src/pay/*.pem"}), pay));
  CHECK(boundaries_may_touch(allowing({"**"}, {"src/pay/vendor/**"}), pay));
  CHECK(boundaries_may_touch(allowing({"**"}, {"*.py"}), pay));
  CHECK(boundaries_may_touch(allowing({"**"}, {"src/**", "!src/pay/**"}), pay));
  // One of several incident globs is enough.
  CHECK(boundaries_may_touch(allowing({"lib/**"}), {"src/pay/**", "lib/pay.c"}));
  CHECK_FALSE(boundaries_may_touch(allowing({"lib/**"}), {"!lib/**"}));
}

TEST_CASE("an incident without paths applies to every task that may change anything") {
  CHECK(boundaries_may_touch(allowing({"docs/**"}), {}));
  CHECK(boundaries_may_touch(allowing({"a.txt"}), {}));
  CHECK_FALSE(boundaries_may_touch(allowing({}), {}));
  CHECK_FALSE(boundaries_may_touch(allowing({"**"}, {"**"}), {}));
}
