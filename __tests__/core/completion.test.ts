// The completion scripts' words and what a host may be completed to. The scripts themselves run in
// their shells in __tests__/cli/completion.test.ts.
import { OPTIONS } from '../../src/core/cli-options.js';
import { completionScript, completionWords, SERVICE_NAMES, SHELLS } from '../../src/core/completion.js';

test('every visible flag, --no- forms too, is in each script; a hidden one in none', () => {
  for (const shell of SHELLS) {
    const s = completionScript(shell);
    for (const o of OPTIONS.filter((x) => !x.hidden)) {
      for (const n of [o.name, ...(o.aliases ?? [])]) {
        // bash and zsh write -x and --name; fish writes -s x and -l name.
        const written = shell === 'fish' ? (n.length === 1 ? `-s ${n}` : `-l ${n}`) : n.length === 1 ? `-${n}` : `--${n}`;
        expect(s).toContain(written);
      }
      if (o.negatable) expect(s).toContain(shell === 'fish' ? `-l no-${o.name}` : `--no-${o.name}`);
    }
    // -N (nc's, hidden) is not offered by bash and fish; zsh's _arguments must know every option
    // for the word after it not to be taken for the host, so it has it, with nc's meaning.
    if (shell === 'zsh') expect(s).toContain("'-N[nc -N");
    else expect(s).not.toMatch({ bash: /[ '|]-N[ '|)]/, fish: /-s N\b/ }[shell]);
  }
});

test('value sets and service names are offered where they belong', () => {
  const bash = completionScript('bash');
  expect(bash).toContain("--starttls) mapfile -t out < <(compgen -W 'smtp pop3 imap ftp auto'");
  expect(bash).toContain("--proto) mapfile -t out < <(compgen -W 'smtp http pop3 imap none auto'");
  expect(bash).toMatch(/--encoding\) mapfile -t out < <\(compgen -W 'utf-8 latin1 /);
  for (const s of ['smtp', 'submission', 'imaps', 'https']) expect(SERVICE_NAMES).toContain(s);
  expect(completionScript('zsh')).toContain("'--starttls=[");
  expect(completionScript('fish')).toContain("-l starttls -x -a 'smtp pop3 imap ftp auto'");
});

test('hosts: targets first, then history, each once; nothing a shell would take as more than a word', () => {
  expect(completionWords(['mail', 'web'], ['web', 'mail.example.com', '[::1]'])).toEqual(['mail', 'web', 'mail.example.com', '[::1]']);
  const hostile = ['a b', 'x;rm -rf ~', '$(id)', '`id`', 'a\nb', "it's", '-rf', 'ok.example', '"q"', 'x\x1b[31m'];
  expect(completionWords(hostile, [])).toEqual(['ok.example']);
});
