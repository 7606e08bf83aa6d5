// -c CMD: prompt commands run in order once the connection is up, each when the one before has
// ended (a composer when its last answer came). A composer that stops ends the script: the
// commands after it assumed it had worked.

import { parseCommand } from '../commands.js';
import { runCommand } from './menu-slice.js';
import { noEffects, type Effect, type SessionState, type Step } from './state.js';

export function scriptNext(state: SessionState, now: number): Step {
  if (state.composer || state.script.length === 0 || state.conn.phase !== 'connected') return noEffects(state);
  const [text, ...rest] = state.script;
  const next = { ...state, script: rest };
  const parsed = parseCommand(text!);
  if (!parsed.ok) {
    return {
      state: { ...next, script: [], lastRun: { ok: false, name: text!, what: 'the command' } },
      effects: [{ type: 'info', lines: [`-c ${text}: ${parsed.message}.`], code: 'PH_STEP_REFUSED' }],
    };
  }
  const step = runCommand({ ...next, menu: null }, parsed.command, now);
  // A command that answers in the prompt (an error, a confirmation) says it in the pane here.
  const answer = step.state.menu?.message;
  const effects: Effect[] = answer ? [{ type: 'info', lines: [`-c ${text}: ${answer.text}`] }] : [];
  const after = { ...step.state, menu: null };
  // A composer says when it ends; any other command is done now, and the next goes.
  const composes = step.effects.some((e) => e.type === 'compose');
  return { state: after, effects: [...effects, ...step.effects, ...(composes ? [] : [{ type: 'script-next' } as Effect])] };
}
