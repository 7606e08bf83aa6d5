// `porthole --completion bash|zsh|fish`: a script for the shell to source, made from the option
// table (so it completes what --help lists), the service names ports take, and, for the host, the
// config's targets and the history's hosts, which the script asks `porthole --completion-words`
// for at the moment of the Tab (they change; a script printed once cannot know them).

import { COMMON_ENCODINGS, OPTIONS, type OptionSpec } from './cli-options.js';
import { SERVICES } from './target.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const visible = OPTIONS.filter((o) => !o.hidden);

/** Every way to write a visible option, --no- forms too. */
function allFlags(): string[] {
  return visible.flatMap((o) => [
    ...[o.name, ...(o.aliases ?? [])].map((n) => (n.length === 1 ? `-${n}` : `--${n}`)),
    ...(o.negatable ? [`--no-${o.name}`] : []),
  ]);
}

/** The option's own spellings (no --no- form). */
function spellings(o: OptionSpec): string[] {
  return [o.name, ...(o.aliases ?? [])].map((n) => (n.length === 1 ? `-${n}` : `--${n}`));
}

/** Options that take a value, hidden ones too: the word after them is not a host. */
const takesValue = OPTIONS.filter((o) => o.type === 'string');

/** The words a value may be, or null when it is free text or a file. */
function valueWords(o: OptionSpec): readonly string[] | null {
  if (o.values) return o.values;
  if (o.kind === 'encoding') return COMMON_ENCODINGS;
  return null;
}

/** Names ports may be given as, in the table's order (the first of each port is the usual one). */
export const SERVICE_NAMES: readonly string[] = Object.keys(SERVICES);

/**
 * What may be completed as a host: config targets first, then the history's hosts, newest first;
 * each once, and only words a shell can take as they are (a history file name decoded from disk
 * or a TOML key in quotes could hold anything).
 */
export function completionWords(targets: readonly string[], hosts: readonly string[]): string[] {
  const out = new Set<string>();
  for (const w of [...targets, ...hosts]) if (/^[A-Za-z0-9._:[\]%-]+$/.test(w) && !w.startsWith('-')) out.add(w);
  return [...out];
}

/** The description for zsh and fish: one line, without the [default: ...] (their menus are narrow). */
function summary(o: OptionSpec): string {
  return o.describe.replace(/\s*\[default:[^\]]*\]/g, '').replace(/\s+/g, ' ');
}

/** A word in single quotes for sh-like shells (bash, zsh; fish takes \' inside them instead). */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const fishQuote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function bash(): string {
  const valueFlags = takesValue.flatMap(spellings).join('|');
  // Options whose values complete alike share a case. mapfile, not COMPREPLY=($(...)): an
  // unquoted expansion would glob a candidate ("[::1]" against a file named 1).
  const byAction = new Map<string, string[]>();
  for (const o of takesValue.filter((x) => !x.hidden)) {
    const words = valueWords(o);
    const action = words
      ? `mapfile -t out < <(compgen -W ${sq(words.join(' '))} -- "$value")`
      : o.kind === 'file'
        ? 'compopt -o filenames 2>/dev/null; mapfile -t out < <(compgen -f -- "$value")'
        : 'out=()';
    byAction.set(action, [...(byAction.get(action) ?? []), ...spellings(o)]);
  }
  const cases = [...byAction].map(([action, flags]) => `      ${flags.join('|')}) ${action} ;;`).join('\n');
  return `# porthole's completion for bash. Load it from ~/.bashrc:
#   eval "$(porthole --completion bash)"
_porthole() {
  # The words as typed, split at blanks only: bash's COMP_WORDS are split at ":" and "=" too
  # (COMP_WORDBREAKS), which would cut ::1, HOST:PORT and --color=never into pieces.
  local line="\${COMP_LINE:0:COMP_POINT}"
  local -a words=()
  read -r -a words <<< "$line"
  [[ -z "$line" || "$line" == *[[:space:]] ]] && words+=("")
  local n=\${#words[@]}
  local cur="\${words[n-1]}" prev="" flag="" value
  ((n >= 2)) && prev="\${words[n-2]}"
  value="$cur"
  if [[ "$cur" == --*=* ]]; then
    flag="\${cur%%=*}"; value="\${cur#*=}"
  else
    case "$prev" in ${valueFlags}) flag="$prev" ;; esac
  fi
  local -a out=()
  if [[ -n "$flag" ]]; then
    case "$flag" in
${cases}
    esac
    [[ "$cur" == --*=* ]] && out=("\${out[@]/#/$flag=}")
  elif [[ "$cur" == -* ]]; then
    mapfile -t out < <(compgen -W ${sq(allFlags().join(' '))} -- "$cur")
  else
    # The words before this one that are not options nor their values: none, and this is the host.
    local i k=0 w
    local -a config=()
    for ((i = 1; i < n - 1; i++)); do
      w="\${words[i]}"
      case "$w" in
        --config) config=(--config "\${words[i+1]}") ;;
        --config=*) config=("$w") ;;
        --no-config) config=(--no-config) ;;
      esac
      case "$w" in
        ${valueFlags}) ((i += 1)) ;;
        -*) ;;
        *) ((k += 1)) ;;
      esac
    done
    if ((k == 0)); then
      mapfile -t out < <(compgen -W "$(command porthole --completion-words "\${config[@]}" 2>/dev/null)" -- "$cur")
    else
      mapfile -t out < <(compgen -W ${sq(SERVICE_NAMES.join(' '))} -- "$cur")
    fi
  fi
  # bash replaces only the part of the word after its last ":" or "=": what comes before it goes
  # from each candidate, as bash-completion's __ltrim_colon_completions does.
  local lead="\${cur%"\${COMP_WORDS[COMP_CWORD]}"}"
  COMPREPLY=("\${out[@]#"$lead"}")
  return 0
}
complete -F _porthole porthole
`;
}

/** An _arguments spec's text in [ ] or after : : brackets and colons escaped, for single quotes. */
const zshEscape = (s: string) => s.replace(/\\/g, '\\\\').replace(/([[\]:])/g, '\\$1').replace(/'/g, `'\\''`);

function zsh(): string {
  const specs = OPTIONS.flatMap((o) => {
    const names = spellings(o);
    // A repeatable option may follow itself; a switch and its --no- form exclude each other.
    const excluded = o.negatable && o.type === 'boolean' ? [...names, `--no-${o.name}`] : names;
    const group = excluded.length > 1 && !o.repeatable ? `(${excluded.join(' ')})` : '';
    const repeat = o.repeatable ? '*' : '';
    const words = valueWords(o);
    // A value in the next word or the same one: -w5 (+), --connect-timeout=5 (=).
    const written = names.map((n) => (o.type !== 'string' ? n : n.length === 2 ? `${n}+` : `${n}=`));
    const value =
      o.type !== 'string'
        ? ''
        : `:${zshEscape((o.arg ?? 'value').toLowerCase())}:${words ? `(${words.map(zshEscape).join(' ')})` : o.kind === 'file' ? '_files' : ' '}`;
    // Hidden ones (nc's -N) are known, so the word after them is not taken for the host.
    const text = o.hidden ? o.describe : summary(o);
    const head = written.length > 1 ? `${repeat}${group}'{${written.join(',')}}'` : `${repeat}${group}${written[0]}`;
    const spec = `'${head}[${zshEscape(text)}]${value}'`;
    const no = o.negatable ? [`'${o.type === 'boolean' ? `(${excluded.join(' ')})` : ''}--no-${o.name}[${zshEscape(`Not ${names.at(-1)}`)}]'`] : [];
    return [spec, ...no];
  });
  return `#compdef porthole
# porthole's completion for zsh. Load it from ~/.zshrc, after compinit:
#   eval "$(porthole --completion zsh)"
# or save it as _porthole in a directory of $fpath.
_porthole_hosts() {
  # zsh's own $words: the command line's words, as typed (quotes removed with (Q)).
  local -a config hosts
  local i
  for ((i = 2; i < CURRENT; i++)); do
    case "\${words[i]}" in
      --config) config=(--config "\${(Q)words[i+1]}") ;;
      --config=*) config=("\${(Q)words[i]}") ;;
      --no-config) config=(--no-config) ;;
    esac
  done
  hosts=(\${(f)"$(command porthole --completion-words "\${config[@]}" 2>/dev/null)"})
  _wanted hosts expl 'target or host' compadd -a hosts
}
_porthole_ports() {
  local -a services
  services=(${SERVICE_NAMES.join(' ')})
  _wanted services expl 'port or service' compadd -a services
}
_porthole() {
  _arguments -s -S \\
    ${specs.join(' \\\n    ')} \\
    '1:host:_porthole_hosts' \\
    '*:port:_porthole_ports'
}
if [[ "\${funcstack[1]}" == _porthole ]]; then
  _porthole "$@"
else
  compdef _porthole porthole
fi
`;
}

function fish(): string {
  const valueFlags = takesValue.flatMap(spellings);
  const lines = visible.flatMap((o) => {
    const names = [o.name, ...(o.aliases ?? [])];
    const flags = names.map((n) => (n.length === 1 ? `-s ${n}` : `-l ${n}`)).join(' ');
    const words = valueWords(o);
    const value = o.type !== 'string' ? '' : words ? ` -x -a ${fishQuote(words.join(' '))}` : o.kind === 'file' ? ' -r -F' : ' -x';
    const no = o.negatable ? [`complete -c porthole -l no-${o.name} -d ${fishQuote(`Not --${o.name}`)}`] : [];
    return [`complete -c porthole ${flags}${value} -d ${fishQuote(summary(o))}`, ...no];
  });
  return `# porthole's completion for fish. Load it from ~/.config/fish/config.fish:
#   porthole --completion fish | source
# or save it as ~/.config/fish/completions/porthole.fish.
function __porthole_words_before
    # The words typed before this one that are not options nor their values.
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l n 0
    set -l skip 0
    for t in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case ${valueFlags.join(' ')}
                set skip 1
            case '-*'
            case '*'
                set n (math $n + 1)
        end
    end
    echo $n
end
function __porthole_config
    set -l tokens (commandline -opc)
    for i in (seq (count $tokens))
        switch $tokens[$i]
            case --config
                set -l j (math $i + 1)
                test $j -le (count $tokens); and echo --config; and echo $tokens[$j]
            case '--config=*'
                echo $tokens[$i]
            case --no-config
                echo --no-config
        end
    end
end
complete -c porthole -f
${lines.join('\n')}
complete -c porthole -n 'test (__porthole_words_before) = 0' -a '(command porthole --completion-words (__porthole_config) 2>/dev/null)' -d 'target or host'
complete -c porthole -n 'test (__porthole_words_before) -gt 0' -a ${fishQuote(SERVICE_NAMES.join(' '))} -d 'port or service'
`;
}

export function completionScript(shell: Shell): string {
  switch (shell) {
    case 'bash':
      return bash();
    case 'zsh':
      return zsh();
    case 'fish':
      return fish();
  }
}
