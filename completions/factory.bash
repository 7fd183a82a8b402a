# bash completion for factory
_factory() {
  local cur prev words cword
  _init_completion 2>/dev/null || { cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"; }
  local commands="init new run stage status list approve reject unrevert abandon contract hook extract explain log coverage incident audit deploy rollback rollout flag"
  local stages="tdd-setup implement unit-test coverage lint static integration security review accept"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur")); return
  fi
  local tasks
  tasks=$(factory list --json 2>/dev/null | sed -n 's/^ *"id": "\(.*\)",$/\1/p')
  if [ "${COMP_WORDS[1]}" = coverage ]; then
    case "$prev" in
      --format) COMPREPLY=($(compgen -W "lcov cobertura go" -- "$cur")); return ;;
      --diff) COMPREPLY=(- $(compgen -f -- "$cur")); return ;;
      --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
      --critical|--min|--min-patch) return ;;
    esac
  fi
  case "$prev" in
    --to) COMPREPLY=($(compgen -W "$stages" -- "$cur")); return ;;
    --lang) COMPREPLY=($(compgen -W "python go rust cmake node gleam" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "text json sarif github" -- "$cur")); return ;;
    --base|--allow|--forbid|--note|--reason|--root-cause|--test|--paths|--since) return ;;
    --strategy) COMPREPLY=($(compgen -W "canary gradual manual" -- "$cur")); return ;;
    --task) COMPREPLY=($(compgen -W "$tasks" -- "$cur")); return ;;
    --from|--contract|--file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  case "${COMP_WORDS[1]}" in
    init) COMPREPLY=($(compgen -W "--lang --force --help" -- "$cur")) ;;
    new) COMPREPLY=($(compgen -W "--lang --base --no-tdd --allow --forbid --from --contract --help" -- "$cur")) ;;
    contract)
      if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "show check" -- "$cur"))
      else COMPREPLY=($(compgen -W "$tasks --file --help" -- "$cur")); fi ;;
    hook)
      if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "pre-commit install uninstall" -- "$cur"))
      else COMPREPLY=($(compgen -W "$tasks --task --help" -- "$cur")); fi ;;
    run) COMPREPLY=($(compgen -W "$tasks --from --to --resume --dry-run --help" -- "$cur")) ;;
    stage) COMPREPLY=($(compgen -W "$tasks $stages --dry-run --help" -- "$cur")) ;;
    status) COMPREPLY=($(compgen -W "$tasks --json --help" -- "$cur")) ;;
    list) COMPREPLY=($(compgen -W "--json --help" -- "$cur")) ;;
    unrevert|abandon) COMPREPLY=($(compgen -W "$tasks --help" -- "$cur")) ;;
    approve) COMPREPLY=($(compgen -W "$tasks -y --yes --note --help" -- "$cur")) ;;
    reject) COMPREPLY=($(compgen -W "$tasks --reason --help" -- "$cur")) ;;
    extract) COMPREPLY=($(compgen -W "--format --ci --help" -- "$cur") $(compgen -f -- "$cur")) ;;
    explain|log) COMPREPLY=($(compgen -W "$tasks $stages --help" -- "$cur")) ;;
    coverage) COMPREPLY=($(compgen -W "--format --diff --root --critical --min --min-patch --json --help" -- "$cur") $(compgen -f -- "$cur")) ;;
    incident)
      if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "add list" -- "$cur"))
      elif [ "${COMP_WORDS[2]}" = add ]; then COMPREPLY=($(compgen -W "--task --root-cause --test --paths --help" -- "$cur"))
      else COMPREPLY=($(compgen -W "--json --help" -- "$cur")); fi ;;
    audit)
      case "${COMP_WORDS[2]}" in
        verify) COMPREPLY=($(compgen -W "--json --help" -- "$cur")) ;;
        export) COMPREPLY=($(compgen -W "--jsonl --help" -- "$cur")) ;;
        report) COMPREPLY=($(compgen -W "$tasks --help" -- "$cur")) ;;
        *) if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "verify export report $tasks --json --since --help" -- "$cur"))
           else COMPREPLY=($(compgen -W "--json --since --help" -- "$cur")); fi ;;
      esac ;;
    deploy) COMPREPLY=($(compgen -W "$tasks --strategy --merge -y --yes --help" -- "$cur")) ;;
    rollback) COMPREPLY=($(compgen -W "$tasks --reason --help" -- "$cur")) ;;
    rollout)
      case "${COMP_WORDS[2]}" in
        status) COMPREPLY=($(compgen -W "$tasks --json --help" -- "$cur")) ;;
        advance) COMPREPLY=($(compgen -W "$tasks -y --yes --help" -- "$cur")) ;;
        resume|set) COMPREPLY=($(compgen -W "$tasks --help" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "status resume advance set" -- "$cur")) ;;
      esac ;;
    flag)
      if [ "$COMP_CWORD" -eq 2 ]; then COMPREPLY=($(compgen -W "eval cleanup" -- "$cur"))
      elif [ "${COMP_WORDS[2]}" = cleanup ]; then COMPREPLY=($(compgen -W "$tasks --help" -- "$cur"))
      else COMPREPLY=($(compgen -W "--file --json --help" -- "$cur")); fi ;;
  esac
}
complete -F _factory factory
