#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/contract.hpp"

namespace factory::core {

// Whether two gitignore-style globs (no leading '!') may match a common path. Decided on their
// fixed leading folders, the part before the first wildcard cut back to a '/' (a glob with no
// wildcard is a path, covering everything below it; a glob without '/' matches at any depth, so
// its folder is the root): they may overlap when one folder is the other or lies inside it.
// An over-approximation on purpose: "src/pay/*.py" and "src/pay/*.go" count as overlapping.
bool globs_may_overlap(std::string_view a, std::string_view b);

// Whether a task with these boundaries may change a path one of `globs` matches: some glob may
// overlap an allowed glob and does not lie wholly inside a forbidden folder ("secrets/**", a
// plain path, or a plain name such as "vendor/" that is one of the glob's fixed folders).
// Negated ('!') entries are not used, except that any negation in
// forbidden_files turns the forbidden check off, since it may take a folder back. Empty `globs`
// means every path, so every task that may change anything.
bool boundaries_may_touch(const Boundaries& boundaries, const std::vector<std::string>& globs);

}  // namespace factory::core
