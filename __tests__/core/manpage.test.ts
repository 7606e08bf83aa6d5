// porthole(1) as built from the tables: every option, command, key and exit code, in valid roff.
import { OPTIONS, shownNames } from '../../src/core/cli-options.js';
import { COMMANDS } from '../../src/core/commands.js';
import { EXIT_STATUS } from '../../src/core/exit-codes.js';
import { manPage, roffText } from '../../src/core/manpage.js';

const page = manPage('9.8.7', '2026-12-02');
/** The page's words as man shows them: font changes and escapes undone. */
const shown = page.replace(/\\f[BIR]/g, '').replace(/\\-/g, '-').replace(/\\e/g, '\\').replace(/\\&/g, '');

test('the title line carries the version and date; the sections come in the usual order', () => {
  expect(page.split('\n')[0]).toBe('.TH PORTHOLE 1 "2026-12-02" "porthole 9.8.7" "User Commands"');
  const order = ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'COMMANDS', 'KEYS', 'EXIT STATUS', 'FILES', 'ENVIRONMENT', 'EXAMPLES', 'SEE ALSO'];
  const at = order.map((s) => page.indexOf(`\n.SH ${s}\n`));
  expect(at.every((i) => i > 0)).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
});

test('every option of the table, with its value, every prompt command and every exit code is there', () => {
  for (const o of OPTIONS.filter((x) => !x.hidden)) {
    for (const n of shownNames(o)) expect(shown).toContain(n);
    expect(shown).toContain(o.describe);
  }
  expect(shown).not.toMatch(/^-N\b/m);
  for (const c of COMMANDS) expect(shown).toMatch(new RegExp(`^${c.name}\\b`, 'm'));
  for (const e of EXIT_STATUS) expect(shown).toContain(e.text);
  for (const tool of ['telnet', 'nc', 'openssl-s_client', 'swaks']) expect(shown).toMatch(new RegExp(`^\\.BR ${tool} \\(1\\)`, 'm'));
});

test('roff text: a backslash, a hyphen and a line starting with a dot or a quote cannot become requests', () => {
  expect(roffText('a\\b')).toBe('a\\eb');
  expect(roffText('--tls')).toBe('\\-\\-tls');
  expect(roffText(".TH x\n'br")).toBe("\\&.TH x\n\\&'br");
  // No line of the page is a request it did not mean: every one starting with . is a known macro.
  const macros = new Set(['.TH', '.nh', '.SH', '.SS', '.TP', '.PP', '.RS', '.RE', '.nf', '.fi', '.B', '.BR', '.RB', '.I', '.IR']);
  for (const line of page.split('\n')) if (/^[.']/.test(line)) expect(macros.has(line.split(' ')[0]!)).toBe(true);
});
