// Shell completion for bash, zsh and fish, generated from the command tree itself (every command,
// subcommand and option the CLI registers), so it never drifts from what the CLI accepts.
// Names and descriptions come from our own code, never from records; descriptions are still quoted
// for each shell.

/** What completion needs of one command: its name, description, options and subcommands. */
export interface CompletionNode {
  name: string;
  description: string;
  options: string[];
  /** The options among them that take a value (the word after one is that value, not a command). */
  valued: string[];
  commands: CompletionNode[];
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Every command path below the root with the words that may follow it (subcommands, then options). */
function paths(node: CompletionNode, prefix: string[] = []): { path: string[]; words: string[] }[] {
  const here = { path: prefix, words: [...node.commands.map((c) => c.name), ...node.options] };
  return [here, ...node.commands.flatMap((c) => paths(c, [...prefix, c.name]))];
}

const NAME = /^[a-z][a-z0-9_-]*$/;

function checkNames(node: CompletionNode): void {
  for (const c of node.commands) {
    if (!NAME.test(c.name)) throw new Error(`completion: command name '${c.name}' is not a plain word`);
    checkNames(c);
  }
  for (const o of node.options) {
    if (!/^--?[a-z][a-z0-9-]*$/.test(o)) throw new Error(`completion: option '${o}' is not a plain flag`);
  }
}

function allValued(node: CompletionNode): string[] {
  return [...new Set([...node.valued, ...node.commands.flatMap(allValued)])].sort();
}

function bash(root: CompletionNode): string {
  const valued = allValued(root).join('|');
  const cases = paths(root)
    .map(({ path, words }) => `    "${path.join(' ')}") words="${words.join(' ')}" ;;`)
    .join('\n');
  return `# bash completion for ${root.name}: eval "$(${root.name} completion bash)"
_${root.name}_complete() {
  local cur path="" w i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  # the command path so far: the words before the cursor that are not options or option values
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$w" in -*) continue ;; esac
    case "\${COMP_WORDS[i-1]}" in ${valued}) continue ;; esac
    path="\${path:+$path }$w"
  done
  local words=""
  case "$path" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _${root.name}_complete ${root.name}
`;
}

function zsh(root: CompletionNode): string {
  // zsh reads the bash function through its bash-completion layer: one definition for both
  return `#compdef ${root.name}
# zsh completion for ${root.name}: eval "$(${root.name} completion zsh)"
autoload -U +X bashcompinit && bashcompinit
${bash(root)
  .split('\n')
  .filter((l) => !l.startsWith('# bash completion'))
  .join('\n')}`;
}

function fishQuote(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function fish(root: CompletionNode): string {
  const lines = [`# fish completion for ${root.name}: ${root.name} completion fish | source`];
  const walk = (node: CompletionNode, path: string[]) => {
    const names = node.commands.map((c) => c.name).join(' ');
    // a subcommand is offered once its parent is typed and none of its siblings is
    const offer =
      path.length === 0
        ? '__fish_use_subcommand'
        : `__fish_seen_subcommand_from ${path.at(-1)}; and not __fish_seen_subcommand_from ${names}`;
    for (const c of node.commands) {
      lines.push(
        `complete -c ${root.name} -f -n ${fishQuote(offer)} -a ${c.name} -d ${fishQuote(c.description)}`,
      );
    }
    const own = path.length ? ` -n ${fishQuote(`__fish_seen_subcommand_from ${path.at(-1)}`)}` : '';
    for (const o of node.options) {
      const flag = o.startsWith('--') ? `-l ${o.slice(2)}` : `-s ${o.slice(1)}`;
      lines.push(`complete -c ${root.name}${own} ${flag}`);
    }
    for (const c of node.commands) walk(c, [...path, c.name]);
  };
  walk(root, []);
  return `${lines.join('\n')}\n`;
}

/** The completion script for a shell. */
export function completionScript(root: CompletionNode, shell: Shell): string {
  checkNames(root);
  if (shell === 'bash') return bash(root);
  if (shell === 'zsh') return zsh(root);
  return fish(root);
}
