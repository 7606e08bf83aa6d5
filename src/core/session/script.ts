// -c CMD: prompt commands run in order once the connection is up, each when the one before has
// ended (a composer when its last answer came). A composer that stops ends the script: the
// commands after it assumed it had worked.

import { parseCommand, shownCommand } from '../commands.js';
import { runCommand } from './menu-slice.js';
import { noEffects, type Effect, type SessionState, type Step } from './state.js';

export function scriptNext(state: SessionState, now: number): Step {
  // An upgrade under way (starttls, --starttls) is waited for: what follows assumes TLS.
  if (state.composer || state.upgrading || state.script.length === 0 || state.conn.phase !== 'connected') return noEffects(state);
  const [text, ...rest] = state.script;
  const next = { ...state, script: rest };
  const parsed = parseCommand(text!);
  if (!parsed.ok) {
    return {
      state: { ...next, script: [], lastRun: { ok: false, name: shownCommand(text!), what: 'the command' } },
      effects: [{ type: 'info', lines: [`-c ${shownCommand(text!)}: ${parsed.message}.`], code: 'PH_STEP_REFUSED' }],
    };
  }
  const step = runCommand({ ...next, menu: null }, parsed.command, now);
  // A command that answers in the prompt instead of acting (not connected, not over TLS...) did
  // not do what the script asked: said in the pane, and the script ends there.
  const answer = step.state.menu?.message;
  if (answer) {
    return {
      state: { ...step.state, menu: null, script: [], lastRun: { ok: false, name: shownCommand(text!), what: 'the command' } },
      effects: [{ type: 'info', lines: [`-c ${shownCommand(text!)}: ${answer.text}`], code: 'PH_STEP_REFUSED' }],
    };
  }
  // A STARTTLS counts as not done until TLS is up: refused, it is where the script stopped.
  const after = { ...step.state, menu: null, ...(parsed.command.type === 'starttls' ? { lastRun: { ok: false, name: 'starttls', what: 'STARTTLS' } } : {}) };
  // A composer says when it ends, and a STARTTLS when TLS is up; any other command is done now.
  const waits = step.effects.some((e) => e.type === 'compose' || e.type === 'starttls');
  return { state: after, effects: [...step.effects, ...(waits ? [] : [{ type: 'script-next' } as Effect])] };
}
