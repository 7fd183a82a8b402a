# fish completion for factory
# Install: copy to ~/.config/fish/completions/ (or /usr/share/fish/vendor_completions.d/).

# The words after `factory` that are not options, up to the cursor. The command is the first one;
# it is looked up by position, not with __fish_seen_subcommand_from, because "coverage" is both a
# command and a stage name (`factory run --to coverage` must not offer coverage's options).
function __factory_args
    set -l words (commandline -opc)
    set -e words[1]
    for w in $words
        string match -q -- '-*' $w; or echo $w
    end
end

# True when the command is one of the arguments.
function __factory_cmd_is
    set -l args (__factory_args)
    set -q args[1]; and contains -- $args[1] $argv
end

# True when the command is $argv[1] and nothing follows it yet (its action comes next).
function __factory_no_action
    set -l args (__factory_args)
    test (count $args) -eq 1; and test "$args[1]" = $argv[1]
end

# True when the command is $argv[1] and its action is one of $argv[2..].
function __factory_action_is
    set -l args (__factory_args)
    test (count $args) -ge 2; and test "$args[1]" = $argv[1]; and contains -- $args[2] $argv[2..-1]
end

# Task ids, as the bash and zsh completions read them from `factory list --json`.
function __factory_tasks
    factory list --json 2>/dev/null | string replace -rf '^ *"id": "(.*)",$' '$1\ttask'
end

set -l __factory_stages tdd-setup implement unit-test coverage lint static integration security review accept
set -l __factory_langs python go rust cmake node gleam

# Files only where a command reads one (extract, coverage, the file options below).
complete -c factory -f
complete -c factory -s h -l help -d 'Print help and exit'
complete -c factory -n __fish_use_subcommand -l version -d 'Print the version and exit'

# Commands, in `factory --help` order.
complete -c factory -n __fish_use_subcommand -a init -d 'Detect the language and write .factory.toml'
complete -c factory -n __fish_use_subcommand -a new -d 'Create a task: its own workspace, branch and contract'
complete -c factory -n __fish_use_subcommand -a run -d 'Run the pipeline (or a range of it) as one TCR cycle'
complete -c factory -n __fish_use_subcommand -a stage -d 'Run one stage as its own TCR cycle'
complete -c factory -n __fish_use_subcommand -a status -d "Show a task's status and latest stage results"
complete -c factory -n __fish_use_subcommand -a list -d 'List tasks'
complete -c factory -n __fish_use_subcommand -a unrevert -d 'Bring back the change discarded by a revert'
complete -c factory -n __fish_use_subcommand -a abandon -d "Remove a task's workspace and branch, keep history"
complete -c factory -n __fish_use_subcommand -a contract -d "Print or validate a task's contract"
complete -c factory -n __fish_use_subcommand -a hook -d 'The git pre-commit hook that enforces task contracts'
complete -c factory -n __fish_use_subcommand -a extract -d 'Find the errors in any log (a file or stdin)'
complete -c factory -n __fish_use_subcommand -a explain -d 'Ask the debug agent why a stage is red'
complete -c factory -n __fish_use_subcommand -a log -d "Show a stage's full log"
complete -c factory -n __fish_use_subcommand -a incident -d 'Record incidents; later tasks must test for them'
complete -c factory -n __fish_use_subcommand -a approve -d 'Approve a task that is ready for decision'
complete -c factory -n __fish_use_subcommand -a reject -d 'Reject a task, with the reason on record'
complete -c factory -n __fish_use_subcommand -a coverage -d 'Analyse a coverage report: overall, patch, critical paths'
complete -c factory -n __fish_use_subcommand -a audit -d "Show a task's audit trail; verify, export or report it"
complete -c factory -n __fish_use_subcommand -a deploy -d 'Integrate an approved task and roll out its flag'
complete -c factory -n __fish_use_subcommand -a rollback -d "Turn a task's flag off (0%) now, with a reason"
complete -c factory -n __fish_use_subcommand -a rollout -d 'See and steer flag rollouts'
complete -c factory -n __fish_use_subcommand -a flag -d 'Inspect the flagd flag file factory rolls out with'

# init
complete -c factory -n '__factory_cmd_is init' -l lang -x -a "$__factory_langs" -d 'Language template instead of detection'
complete -c factory -n '__factory_cmd_is init' -l force -d 'Overwrite an existing .factory.toml'

# new <task>: the id is new, so nothing is offered for it
complete -c factory -n '__factory_cmd_is new' -l lang -x -a "$__factory_langs" -d 'Language template instead of detection'
complete -c factory -n '__factory_cmd_is new' -l base -x -d 'Revision to start from (default: HEAD)'
complete -c factory -n '__factory_cmd_is new' -l no-tdd -d 'Skip tdd-setup for this task'
complete -c factory -n '__factory_cmd_is new' -l allow -x -d 'Glob the task may change (repeatable)'
complete -c factory -n '__factory_cmd_is new' -l forbid -x -d 'Glob the task may not change (repeatable)'
complete -c factory -n '__factory_cmd_is new' -l from -r -F -d 'Description from a file or a beads issue id'
complete -c factory -n '__factory_cmd_is new' -l contract -r -F -d 'Start from this contract file'

# run [task]
complete -c factory -n '__factory_cmd_is run' -a '(__factory_tasks)'
complete -c factory -n '__factory_cmd_is run' -l from -x -a "$__factory_stages" -d 'First stage to run'
complete -c factory -n '__factory_cmd_is run' -l to -x -a "$__factory_stages" -d 'Last stage to run'
complete -c factory -n '__factory_cmd_is run' -l resume -d 'Skip stages already green on the current tree'
complete -c factory -n '__factory_cmd_is run' -l dry-run -d 'Print what would run; change nothing'

# stage [task] <stage>
complete -c factory -n '__factory_cmd_is stage' -a '(__factory_tasks)'
complete -c factory -n '__factory_cmd_is stage' -a "$__factory_stages" -d stage
complete -c factory -n '__factory_cmd_is stage' -l dry-run -d 'Print what would run; change nothing'

# status [task], list
complete -c factory -n '__factory_cmd_is status' -a '(__factory_tasks)'
complete -c factory -n '__factory_cmd_is status' -l json -d 'Print one JSON document'
complete -c factory -n '__factory_cmd_is list' -l json -d 'Print one JSON array'

# unrevert [task] [N], abandon [task]
complete -c factory -n '__factory_cmd_is unrevert abandon' -a '(__factory_tasks)'

# approve [task], reject [task]
complete -c factory -n '__factory_cmd_is approve' -a '(__factory_tasks)'
complete -c factory -n '__factory_cmd_is approve' -s y -l yes -d 'Approve without the prompt (recorded as non-interactive)'
complete -c factory -n '__factory_cmd_is approve' -l note -x -d 'Why it is approved, kept in the audit trail'
complete -c factory -n '__factory_cmd_is reject' -a '(__factory_tasks)'
complete -c factory -n '__factory_cmd_is reject' -l reason -x -d 'Why it is rejected (required)'

# contract show|check [task]
complete -c factory -n '__factory_no_action contract' -a show -d 'Print the contract (validated first)'
complete -c factory -n '__factory_no_action contract' -a check -d 'Validate the contract; warn about globs matching nothing'
complete -c factory -n '__factory_action_is contract show check' -a '(__factory_tasks)'
complete -c factory -n '__factory_action_is contract check' -l file -r -F -d "Validate this file instead of a task's contract"

# hook pre-commit|install|uninstall
complete -c factory -n '__factory_no_action hook' -a pre-commit -d "Check the staged change against the task's contract"
complete -c factory -n '__factory_no_action hook' -a install -d 'Install or upgrade the dispatcher and mark task workspaces'
complete -c factory -n '__factory_no_action hook' -a uninstall -d 'Remove the hook and restore the previous hooks'
complete -c factory -n '__factory_action_is hook pre-commit' -l task -x -a '(__factory_tasks)' -d 'Task id (default: the current worktree)'
complete -c factory -n '__factory_action_is hook install' -a '(__factory_tasks)'

# extract [file]
complete -c factory -n '__factory_cmd_is extract' -F
complete -c factory -n '__factory_cmd_is extract' -l format -x -a 'text json sarif github' -d 'Output format'
complete -c factory -n '__factory_cmd_is extract' -l ci -d 'GitHub annotations (same as GITHUB_ACTIONS=true)'

# explain|log [task] [stage]
complete -c factory -n '__factory_cmd_is explain log' -a '(__factory_tasks)'
complete -c factory -n '__factory_cmd_is explain log' -a "$__factory_stages" -d stage

# incident add|list
complete -c factory -n '__factory_no_action incident' -a add -d 'Record an incident and the test that must exist and pass'
complete -c factory -n '__factory_no_action incident' -a list -d "Show each incident's requirement and how often it applied"
complete -c factory -n '__factory_action_is incident add' -l task -x -a '(__factory_tasks)' -d 'The task the incident was found in'
complete -c factory -n '__factory_action_is incident add' -l root-cause -x -d 'What went wrong, in one line'
complete -c factory -n '__factory_action_is incident add' -l test -x -d 'Test id as the unit-test runner names it'
complete -c factory -n '__factory_action_is incident add' -l paths -x -d 'Glob the requirement applies to (repeatable)'
complete -c factory -n '__factory_action_is incident list' -l json -d 'Print one JSON array'

# coverage <report>...
complete -c factory -n '__factory_cmd_is coverage' -F
complete -c factory -n '__factory_cmd_is coverage' -l format -x -a 'lcov cobertura go' -d 'Report format (default: detected)'
complete -c factory -n '__factory_cmd_is coverage' -l diff -r -F -a - -d 'Unified diff of the change; - for stdin'
complete -c factory -n '__factory_cmd_is coverage' -l root -x -a '(__fish_complete_directories)' -d 'Workspace root'
complete -c factory -n '__factory_cmd_is coverage' -l critical -x -d 'Critical glob or function() (repeatable)'
complete -c factory -n '__factory_cmd_is coverage' -l min -x -d 'Minimum overall line coverage, percent'
complete -c factory -n '__factory_cmd_is coverage' -l min-patch -x -d 'Minimum patch coverage, percent'
complete -c factory -n '__factory_cmd_is coverage' -l json -d 'Print the analysis as one JSON document'

# audit [task] [--json] [--since T] | audit verify|export|report
complete -c factory -n '__factory_no_action audit' -a verify -d 'Re-walk the hash chain from seq 1; exit 1 at the first break'
complete -c factory -n '__factory_no_action audit' -a export -d 'Print the whole trail as a JSON array (or JSON lines)'
complete -c factory -n '__factory_no_action audit' -a report -d 'Print a one-page Markdown report of a task, for a PR'
complete -c factory -n '__factory_no_action audit' -a '(__factory_tasks)'
complete -c factory -n '__factory_cmd_is audit; and not __factory_action_is audit verify export report' -l json -d 'Print one JSON document'
complete -c factory -n '__factory_cmd_is audit; and not __factory_action_is audit verify export report' -l since -x -d 'Only events since: 90m, 2h, 3d, 1w or an ISO date/time'
complete -c factory -n '__factory_action_is audit verify' -l json -d 'Print one JSON document'
complete -c factory -n '__factory_action_is audit export' -l jsonl -d 'One JSON object per line'
complete -c factory -n '__factory_action_is audit report' -a '(__factory_tasks)'

# deploy [task], rollback [task] --reason, rollout status|resume|advance|set
complete -c factory -n '__factory_cmd_is deploy' -a '(__factory_tasks)'
complete -c factory -n '__factory_cmd_is deploy' -l strategy -x -a 'canary gradual manual' -d "Override deployment.yaml's strategy"
complete -c factory -n '__factory_cmd_is deploy' -l merge -d 'Integrate with a merge commit instead of a squash'
complete -c factory -n '__factory_cmd_is deploy' -s y -l yes -d 'Deploy without the prompt (step decisions still wait)'
complete -c factory -n '__factory_cmd_is rollback' -a '(__factory_tasks)'
complete -c factory -n '__factory_cmd_is rollback' -l reason -x -d 'Why (required, kept in the audit trail)'
complete -c factory -n '__factory_no_action rollout' -a status -d 'Where each rollout is (or one task\'s)'
complete -c factory -n '__factory_no_action rollout' -a resume -d 'Continue a rollout whose process stopped'
complete -c factory -n '__factory_no_action rollout' -a advance -d 'Decide yes on the step a rollout waits for'
complete -c factory -n '__factory_no_action rollout' -a set -d "Set a manual rollout's percentage"
complete -c factory -n '__factory_action_is rollout status resume advance set' -a '(__factory_tasks)'
complete -c factory -n '__factory_action_is rollout status' -l json -d 'One JSON document on stdout'
complete -c factory -n '__factory_action_is rollout advance' -s y -l yes -d 'Decide without the prompt (non-interactive)'

# flag eval <flag> <targeting-key>, flag cleanup [task]
complete -c factory -n '__factory_no_action flag' -a eval -d 'Print the variant flagd serves a flag for a targeting key'
complete -c factory -n '__factory_no_action flag' -a cleanup -d "Remove a finished rollout's flag from the file"
complete -c factory -n '__factory_action_is flag cleanup' -a '(__factory_tasks)'
complete -c factory -n '__factory_action_is flag eval' -l file -r -F -d 'The flagd JSON file (default: [flags] file)'
complete -c factory -n '__factory_action_is flag eval' -l json -d 'Print one JSON document with the bucket'
