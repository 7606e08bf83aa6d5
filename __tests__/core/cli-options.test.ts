// The option table that --help, the man page and the completions are made from.
import { flagNames, helpText, OPTION_GROUPS, OPTIONS, optionHead, shownNames, wrapWords } from '../../src/core/cli-options.js';
import { parseConfig } from '../../src/core/config.js';

const visible = OPTIONS.filter((o) => !o.hidden);

test('every name is taken once, each option is in a group, and a set of values is said in its description', () => {
  const names = OPTIONS.flatMap((o) => [o.name, ...(o.aliases ?? [])]);
  expect(new Set(names).size).toBe(names.length);
  const groups = new Set(OPTION_GROUPS.map((g) => g.id));
  for (const o of OPTIONS) {
    expect(groups.has(o.group)).toBe(true);
    // A value names its placeholder; a switch has none.
    expect(Boolean(o.arg)).toBe(o.type === 'string');
    for (const v of o.values ?? []) expect(o.describe).toContain(v);
  }
});

test('the config takes an option by its long name: every option a config key names is in the table', () => {
  // One key for each option the config may set; each must parse, so the two tables agree on the names.
  const keys: Record<string, string> = {
    'connect-timeout': '3', 'banner-wait': '1', encoding: '"latin1"', scrollback: '100', colours: 'true', history: 'false',
    color: '"never"', 'keep-output': '"all"', proto: '"smtp"', parallel: '4', ipv4: 'true', tls: 'true', starttls: '"smtp"',
    ca: '"/x"', insecure: 'true', servername: '"x"', alpn: '"h2"', cert: '"/c"', key: '"/k"', 'tls-min': '"TLSv1.2"',
    'tls-max': '"TLSv1.3"', telnet: 'true', user: '"me"',
  };
  for (const [key, value] of Object.entries(keys)) {
    expect(visible.some((o) => o.name === key)).toBe(true);
    expect(() => parseConfig(`[defaults]\n${key} = ${value}\n`, 'c.toml')).not.toThrow();
  }
});

test('names as they are written: a short form first, --[no-] for an option that has one, the value after', () => {
  const byName = (n: string) => OPTIONS.find((o) => o.name === n)!;
  expect(flagNames(byName('connect-timeout'))).toEqual(['-w', '--connect-timeout']);
  expect(optionHead(byName('connect-timeout'))).toBe('-w, --connect-timeout SECONDS');
  expect(shownNames(byName('history'))).toEqual(['--[no-]history']);
  expect(optionHead(byName('q'))).toBe('-q, --quit-after SECONDS');
});

test('wrapWords fills lines up to the width; a word longer than it stands alone', () => {
  expect(wrapWords('a bb ccc dddd', 6)).toEqual(['a bb', 'ccc', 'dddd']);
  expect(wrapWords('averyveryverylongword x', 5)).toEqual(['averyveryverylongword', 'x']);
  expect(wrapWords('', 10)).toEqual([]);
});

test('--help lists every visible option under its group, in the groups order, within the width', () => {
  const text = helpText(80, 'EPILOG');
  const titles = OPTION_GROUPS.map((g) => text.indexOf(`\n${g.title}:\n`));
  expect(titles.every((t) => t > 0)).toBe(true);
  expect([...titles].sort((a, b) => a - b)).toEqual(titles);
  for (const o of visible) expect(text).toContain(optionHead(o));
  for (const o of OPTIONS.filter((x) => x.hidden)) expect(text).not.toMatch(new RegExp(`^\\s+-{1,2}${o.name}\\b`, 'm'));
  for (const line of text.split('\n')) {
    // A line over the width holds one word too long to break (or an option's head on its own).
    if (line.length > 80) expect(line.trim()).not.toContain('  ');
  }
  expect(text.trimEnd().endsWith('EPILOG')).toBe(true);
});
