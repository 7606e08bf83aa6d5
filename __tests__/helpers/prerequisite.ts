// A suite that needs something of the machine (tmux, root, a server) declares it here. Without CI
// a missing prerequisite skips the suite with one line saying why; with CI set it fails, naming
// what is missing: CI installs every prerequisite (.ci/run), so a skip there would hide a gap.

/** Why a suite cannot run on this machine ('tmux is not installed'), or null when it can. */
export type Missing = string | null;

/**
 * CI as jest reads the variable (through ci-info): set to anything but '' or 'false'. CI=true is
 * what .ci/run and CI services set.
 */
export function ciIsSet(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== 'false';
}

/** What to do with a suite, given what is missing and whether CI is set. */
export type Plan =
  | { kind: 'run' }
  /** Register the suite's tests as skipped; `line` says why, on one line. */
  | { kind: 'skip'; line: string }
  /** Register one failing test named for what is missing, and the suite's tests as skipped. */
  | { kind: 'fail'; testName: string; message: string };

export function planFor(missing: Missing | readonly Missing[], suite: string, env: NodeJS.ProcessEnv = process.env): Plan {
  const reasons = (Array.isArray(missing) ? missing : [missing]).filter((m): m is string => Boolean(m));
  if (reasons.length === 0) return { kind: 'run' };
  // One line whatever the reasons hold: a reason that spans lines would break the one-line rule.
  const why = reasons.join('; ').replace(/\s*\n\s*/g, ' ');
  if (!ciIsSet(env)) return { kind: 'skip', line: `skipping "${suite}": ${why}` };
  return {
    kind: 'fail',
    testName: `cannot run here: ${why}`,
    message: `"${suite}" cannot run: ${why}. With CI set a missing prerequisite fails instead of skipping (.ci/run installs them all); without CI the suite skips.`,
  };
}

/** How a plan is carried out: jest's own functions, replaced by fakes in the helper's test. */
export interface Registrar {
  describe(name: string, fn: () => void): void;
  skip(name: string, fn: () => void): void;
  test(name: string, fn: () => void): void;
  /** Where the skip line goes: straight to stderr, since console.warn under jest adds a stack. */
  write(text: string): void;
  env: NodeJS.ProcessEnv;
}

const jestRegistrar = (): Registrar => ({
  describe: (name, fn) => describe(name, fn),
  skip: (name, fn) => describe.skip(name, fn),
  test: (name, fn) => test(name, fn),
  write: (text) => process.stderr.write(text),
  env: process.env,
});

/**
 * `describe(suite, fn)` for a suite that needs `missing` to be null (or all null). When something
 * is missing: without CI, one line on stderr and the suite's tests skipped; with CI, a failing
 * test whose name says what is missing, and the suite's tests counted as skipped beside it.
 */
export function describeRequiring(missing: Missing | readonly Missing[], suite: string, fn: () => void, registrar: Registrar = jestRegistrar()): void {
  const plan = planFor(missing, suite, registrar.env);
  switch (plan.kind) {
    case 'run':
      registrar.describe(suite, fn);
      return;
    case 'skip':
      registrar.write(`${plan.line}\n`);
      registrar.skip(suite, fn);
      return;
    case 'fail':
      registrar.describe(suite, () =>
        registrar.test(plan.testName, () => {
          const error = new Error(plan.message);
          // The message is the whole story; jest's code frame would point into this helper.
          error.stack = `Error: ${plan.message}`;
          throw error;
        }),
      );
      registrar.skip(suite, fn);
      return;
  }
}
