// The prerequisite rule, with jest's functions replaced by fakes: a suite whose prerequisite is
// missing skips with one line locally and fails by name under CI, without failing this run.
import { ciIsSet, describeRequiring, planFor, type Registrar } from './prerequisite.js';

interface Registered {
  calls: string[];
  /** The bodies of the tests registered, by name. */
  tests: Map<string, () => void>;
  written: string[];
  ran: number;
}

function register(missing: Parameters<typeof describeRequiring>[0], env: NodeJS.ProcessEnv): Registered {
  const r: Registered = { calls: [], tests: new Map(), written: [], ran: 0 };
  const registrar: Registrar = {
    describe: (name, fn) => {
      r.calls.push(`describe ${name}`);
      fn();
    },
    skip: (name) => r.calls.push(`skip ${name}`),
    test: (name, fn) => {
      r.calls.push(`test ${name}`);
      r.tests.set(name, fn);
    },
    write: (text) => r.written.push(text),
    env,
  };
  describeRequiring(missing, 'the suite', () => r.ran++, registrar);
  return r;
}

describe('ciIsSet', () => {
  test.each([
    [{ CI: 'true' }, true],
    [{ CI: '1' }, true],
    [{ CI: 'yes' }, true],
    [{ CI: 'false' }, false],
    [{ CI: '' }, false],
    [{}, false],
  ])('%j -> %s', (env, expected) => {
    expect(ciIsSet(env)).toBe(expected);
  });
});

describe('a suite whose prerequisite is present', () => {
  test.each([{}, { CI: 'true' }])('runs, silently (env %j)', (env) => {
    const r = register(null, env);
    expect(r.calls).toEqual(['describe the suite']);
    expect(r.ran).toBe(1);
    expect(r.written).toEqual([]);
  });

  test('a list of prerequisites, all present, runs', () => {
    expect(planFor([null, null], 'the suite', { CI: 'true' })).toEqual({ kind: 'run' });
  });
});

describe('a suite whose prerequisite is missing, CI unset', () => {
  test('is skipped, with one line saying why', () => {
    const r = register('tmux is not installed', {});
    expect(r.calls).toEqual(['skip the suite']);
    expect(r.ran).toBe(0);
    expect(r.written).toEqual(['skipping "the suite": tmux is not installed\n']);
  });

  test('CI=false counts as unset', () => {
    expect(register('not root', { CI: 'false' }).calls).toEqual(['skip the suite']);
  });

  test('the line stays one line when there are several reasons, or a reason spans lines', () => {
    const r = register(['nginx is not installed', null, 'not root\n(namespaces)'], {});
    expect(r.written).toEqual(['skipping "the suite": nginx is not installed; not root (namespaces)\n']);
  });
});

describe('a suite whose prerequisite is missing, CI set', () => {
  test('registers one failing test that names what is missing, and skips the suite beside it', () => {
    const r = register('tmux is not installed', { CI: 'true' });
    expect(r.calls).toEqual(['describe the suite', 'test cannot run here: tmux is not installed', 'skip the suite']);
    expect(r.ran).toBe(0);
    expect(r.written).toEqual([]);
    const body = r.tests.get('cannot run here: tmux is not installed')!;
    expect(body).toThrow(/"the suite" cannot run: tmux is not installed\. With CI set/);
  });

  test('names every missing prerequisite', () => {
    const r = register(['postfix is not installed', 'not root'], { CI: '1' });
    expect([...r.tests.keys()]).toEqual(['cannot run here: postfix is not installed; not root']);
  });
});
