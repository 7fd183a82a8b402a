# bash completion for factory
_factory() {
  local cur prev words cword
  _init_completion 2>/dev/null || { cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"; }
  local commands="init new run stage status list unrevert abandon contract hook extract explain log"
  local stages="tdd-setup implement unit-test coverage lint static integration security review accept"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur")); return
  fi
  local tasks
  tasks=$(factory list --json 2>/dev/null | sed -n 's/^ *"id": "\(.*\)",$/\1/p')
  case "$prev" in
    --to) COMPREPLY=($(compgen -W "$stages" -- "$cur")); return ;;
    --lang) COMPREPLY=($(compgen -W "python go rust cmake node gleam" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "text json sarif github" -- "$cur")); return ;;
    --base|--allow|--forbid) return ;;
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
    extract) COMPREPLY=($(compgen -W "--format --ci --help" -- "$cur") $(compgen -f -- "$cur")) ;;
    explain|log) COMPREPLY=($(compgen -W "$tasks $stages --help" -- "$cur")) ;;
  esac
}
complete -F _factory factory
