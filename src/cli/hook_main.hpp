#pragma once

namespace factory::cli {

// The factory-hook fast path: `factory-hook --task <id> --factory <path of factory>`, run by the
// pre-commit dispatcher in a task worktree. It decides the commit without libgit2 or SQLite and
// hands over (exec) to `<factory> hook pre-commit --task <id>` whenever it cannot: a repository
// its reader does not handle, FACTORY_ALLOW_OUTSIDE (the escape is recorded in SQLite), or an
// unexpected error. Returns the process exit code: 0 allowed, 3 blocked.
int hook_main(int argc, char** argv);

}  // namespace factory::cli
