# bash completion for factory
_factory() {
  local cur prev words cword
  _init_completion 2>/dev/null || { cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"; }
  local commands="init new run stage status list unrevert abandon"
  local stages="tdd-setup implement unit-test coverage lint static integration security review accept"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur")); return
  fi
  local tasks
  tasks=$(factory list --json 2>/dev/null | sed -n 's/^ *"id": "\(.*\)",$/\1/p')
  case "$prev" in
    --from|--to) COMPREPLY=($(compgen -W "$stages" -- "$cur")); return ;;
    --lang) COMPREPLY=($(compgen -W "python go rust cmake node gleam" -- "$cur")); return ;;
    --base) return ;;
  esac
  case "${COMP_WORDS[1]}" in
    init) COMPREPLY=($(compgen -W "--lang --force --help" -- "$cur")) ;;
    new) COMPREPLY=($(compgen -W "--lang --base --no-tdd --help" -- "$cur")) ;;
    run) COMPREPLY=($(compgen -W "$tasks --from --to --resume --dry-run --help" -- "$cur")) ;;
    stage) COMPREPLY=($(compgen -W "$tasks $stages --dry-run --help" -- "$cur")) ;;
    status) COMPREPLY=($(compgen -W "$tasks --json --help" -- "$cur")) ;;
    list) COMPREPLY=($(compgen -W "--json --help" -- "$cur")) ;;
    unrevert|abandon) COMPREPLY=($(compgen -W "$tasks --help" -- "$cur")) ;;
  esac
}
complete -F _factory factory
