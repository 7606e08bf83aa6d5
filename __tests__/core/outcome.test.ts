import {
  classifyError,
  exitCodeFor,
  flattenErrors,
  makeOutcome,
  mostTelling,
  OUTCOMES,
  peerEnded,
  type OutcomeKind,
} from '../../src/core/outcome.js';

const sysErr = (code: string, syscall: string) => Object.assign(new Error('x'), { code, syscall, errno: -1 });

describe('classifyError', () => {
  test.each<[string, string, OutcomeKind, number]>([
    ['ECONNREFUSED', 'connect', 'refused', 4],
    ['ETIMEDOUT', 'connect', 'timeout', 5],
    ['EHOSTUNREACH', 'connect', 'unreachable', 6],
    ['ENETUNREACH', 'connect', 'unreachable', 6],
    ['EACCES', 'connect', 'unreachable', 6],
    ['EPERM', 'connect', 'unreachable', 6],
    ['ENOPROTOOPT', 'connect', 'unreachable', 6],
    ['ECONNRESET', 'connect', 'reset-by-peer', 7],
    ['EMFILE', 'connect', 'local-error', 1],
  ])('%s in connect is %s (exit %d)', (code, syscall, kind, exit) => {
    const o = classifyError(sysErr(code, syscall), 'connect');
    expect(o).toMatchObject({ kind, code, exit });
    expect(o.label.length).toBeGreaterThan(0);
  });

  test('DNS codes: a name that does not exist and a resolver that does not answer differ', () => {
    expect(classifyError(sysErr('ENOTFOUND', 'getaddrinfo'), 'resolve').kind).toBe('dns-not-found');
    expect(classifyError(sysErr('EAI_AGAIN', 'getaddrinfo'), 'resolve').kind).toBe('dns-unavailable');
    expect(classifyError(sysErr('EAI_FAIL', 'getaddrinfo'), 'resolve').kind).toBe('dns-unavailable');
  });

  test('a getaddrinfo error met while connecting is still a DNS outcome', () => {
    expect(classifyError(sysErr('ENOTFOUND', 'getaddrinfo'), 'connect').kind).toBe('dns-not-found');
  });

  test('sharper labels tell no-route from prohibited', () => {
    expect(classifyError(sysErr('EHOSTUNREACH', 'connect'), 'connect').label).toBe('No route to host');
    expect(classifyError(sysErr('ENETUNREACH', 'connect'), 'connect').label).toBe('Network is unreachable');
    expect(classifyError(sysErr('EACCES', 'connect'), 'connect').label).toMatch(/prohibited/i);
  });

  test('an unknown code is a local error that names the code, never a crash', () => {
    const o = classifyError({ code: 'EWEIRD', syscall: 'connect' }, 'connect');
    expect(o).toMatchObject({ kind: 'local-error', code: 'EWEIRD' });
    expect(o.label).toContain('EWEIRD');
    expect(classifyError({}, 'connect').code).toBe('PH_UNKNOWN');
  });

  test('the message is never read: same code, any message, same outcome', () => {
    const a = classifyError(Object.assign(new Error('connect ECONNREFUSED 1.2.3.4:5 - Local (0.0.0.0:0)'), { code: 'ECONNREFUSED', syscall: 'connect' }), 'connect');
    const b = classifyError(Object.assign(new Error(''), { code: 'ECONNREFUSED', syscall: 'connect' }), 'connect');
    expect(a).toEqual(b);
  });
});

describe('AggregateError from happy eyeballs', () => {
  test('flattens to each inner error, nested ones too', () => {
    const inner = [sysErr('ECONNREFUSED', 'connect'), sysErr('ETIMEDOUT', 'connect')];
    const agg = Object.assign(new AggregateError([inner[0], new AggregateError([inner[1]])], ''), { code: 'ECONNREFUSED' });
    expect(flattenErrors(agg).map((e) => e.code)).toEqual(['ECONNREFUSED', 'ETIMEDOUT']);
  });

  test('the most telling failure wins: refused, then unreachable, then timed out', () => {
    const at = (code: string) => ({ outcome: classifyError(sysErr(code, 'connect'), 'connect') });
    expect(mostTelling([at('ETIMEDOUT'), at('EHOSTUNREACH'), at('ECONNREFUSED')])!.outcome.kind).toBe('refused');
    expect(mostTelling([at('ETIMEDOUT'), at('EHOSTUNREACH')])!.outcome.kind).toBe('unreachable');
    expect(mostTelling([at('ETIMEDOUT')])!.outcome.kind).toBe('timeout');
    expect(mostTelling([])).toBeUndefined();
  });
});

describe('peer endings', () => {
  test('FIN and RST are different outcomes, and both say whether data came first', () => {
    const finEarly = peerEnded('fin', 0);
    const finLate = peerEnded('fin', 42);
    const rstEarly = peerEnded('rst', 0);
    expect(finEarly.kind).toBe('closed-by-peer');
    expect(finEarly.label).toBe('Connection closed by foreign host');
    expect(rstEarly.kind).toBe('reset-by-peer');
    expect(finEarly.meaning).toMatch(/access rule/);
    expect(finLate.meaning).not.toEqual(finEarly.meaning);
    expect(finLate.next).toBe('');
    expect(finEarly.next).toMatch(/access rules/);
    expect(peerEnded('rst', 1).meaning).not.toEqual(rstEarly.meaning);
  });
});

describe('texts and exit codes', () => {
  test('every failure says what it means and what to do next', () => {
    for (const [kind, t] of Object.entries(OUTCOMES)) {
      expect(t.label).not.toBe('');
      expect(t.meaning).not.toBe('');
      if (kind !== 'open') expect(t.next).not.toBe('');
    }
  });

  test('the seeds: refused = nothing listens, timeout = firewall, closed = access rule, unknown host = DNS', () => {
    expect(OUTCOMES.refused.meaning).toMatch(/nothing listens/);
    expect(OUTCOMES.timeout.meaning).toMatch(/firewall/);
    expect(OUTCOMES['closed-by-peer'].meaning).toMatch(/access rule/);
    expect(OUTCOMES['dns-not-found'].meaning).toMatch(/DNS/);
  });

  test('with several ports the exit code is that of the first port not open', () => {
    const open = makeOutcome('open', 'PH_OPEN');
    expect(exitCodeFor([open, open])).toBe(0);
    expect(exitCodeFor([open, makeOutcome('timeout', 'x'), makeOutcome('refused', 'y')])).toBe(5);
    expect(exitCodeFor([makeOutcome('dns-not-found', 'x')])).toBe(3);
  });
});
