// Running a composer: its password asked for first (masked in the input line), then each step's
// lines sent and shown as they go, the step's answer waited for, and the run stopped at the first
// refusal with the reply that refused it (the helper explains it beneath, as for a typed command).
// Lines typed meanwhile wait: a composer's steps and a person's typing must not interleave.

import { encodeText } from '../pipeline.js';
import type { InputEvent } from '../key-decoder.js';
import { lookup } from '../key-bindings.js';
import { createLineEditorState, isEditorCommand, lineEditorReducer } from '../line-editor.js';
import { checkSecret, COMPOSE_PROTO, composeName, FieldError, plan, secretPrompt, type Compose, type PlanStep } from '../protocols/compose.js';
import type { Answer } from '../protocols/walk.js';
import { helperSends, hostHeader, NO_HELPER } from './helper-slice.js';
import { newWalk } from '../protocols/walk.js';
import { sendEffect } from './send.js';
import { maskSent, NO_SECRETS_AHEAD } from '../protocols/secrets.js';
import { canSend, noEffects, notSentReason, type ComposerRun, type Effect, type SessionState, type Step } from './state.js';

/** When a composer was asked for, on both clocks, and its unique token (kept with its run). */
export type ComposeClock = ComposerRun['clock'];

function said(lines: string[], code?: 'PH_STEP_REFUSED' | 'PH_NOT_SENT' | 'PH_BAD_FIELD'): Effect {
  return code ? { type: 'info', lines, code } : { type: 'info', lines };
}

/** A composer asked for: checked, its helper put in force, then its password asked or its steps begun. */
export function startComposer(state: SessionState, spec: Compose, clock: ComposeClock): Step {
  const name = composeName(spec);
  if (state.composer) return { state, effects: [said([`Not started: ${composeName(state.composer.spec)} is still running (Ctrl+C stops it).`])] };
  if (!canSend(state)) return ended(state, spec, 'the start', `not sent (${notSentReason(state)})`, 'PH_NOT_SENT');
  // Its lines would cross the upgrade's own dialogue, and might go before TLS is up.
  if (state.upgrading) return ended(state, spec, 'the start', 'not now: a STARTTLS is under way', 'PH_NOT_SENT');
  const proto = COMPOSE_PROTO[spec.kind];
  let next = state;
  if (state.helper.proto !== proto) {
    // Not decided yet (an unknown port, nothing heard): the composer names the protocol.
    if (state.helper.proto !== null) {
      return ended(state, spec, 'the start', `the helper in force is ${state.helper.proto}: proto ${proto} first, if this is ${proto}`, 'PH_STEP_REFUSED');
    }
    const walk = newWalk(proto);
    const c = state.conn;
    // Spoken already: a greeting came and is past.
    const greeted = c.phase === 'connected' && c.heard && walk && walk.proto !== 'http' ? { ...walk, greeted: true } : walk;
    next = { ...state, helper: { ...NO_HELPER, proto, walk: greeted } };
  }
  // An answer still to come would be taken for this request's.
  const w = next.helper.walk;
  if (w?.proto === 'http' && (w.stage !== 'request' || w.outstanding > 0)) {
    return ended(state, spec, 'the start', w.stage === 'headers' ? 'not now: finish the request being typed first (an empty line ends it)' : 'not now: the answer to the last request has not ended yet', 'PH_NOT_SENT');
  }
  const prompt = secretPrompt(spec);
  const run: ComposerRun = { spec, clock, steps: [], waiting: null, asking: prompt ? { prompt, editor: createLineEditorState() } : null };
  const withRun = { ...next, composer: run };
  if (run.asking) return { state: withRun, effects: [said([`${name}: type the password for ${'user' in spec ? spec.user : ''} (not shown; Esc cancels).`])] };
  return advance(planned(withRun, null), clock.now);
}

function planned(state: SessionState, secret: string | null): SessionState {
  const { spec, clock } = state.composer!;
  const steps = plan(
    spec,
    {
      walk: state.helper.walk,
      machine: state.machine,
      host: hostHeader(state),
      now: clock.wall,
      unique: clock.unique,
      bytes: (text) => {
        const e = encodeText(text, state.settings.encoding);
        return e.ok ? e.bytes.length : text.length;
      },
    },
    secret,
  );
  // The plan holds the secrets now, until each is sent: the spec keeps none (an Authorization header).
  const kept = spec.kind === 'http' ? { ...spec, headers: spec.headers.map((h) => maskSent(h, NO_SECRETS_AHEAD).shown) } : spec;
  return { ...state, composer: { spec: kept, clock, steps, waiting: null, asking: null } };
}

/** Sends steps until one waits for an answer; the run ends when none is left. */
function advance(state: SessionState, now: number): Step {
  let s = state;
  const effects: Effect[] = [];
  for (;;) {
    const run = s.composer!;
    const [step, ...rest] = run.steps;
    if (!step) {
      const r = ended({ ...s, composer: run }, run.spec, '', '', undefined);
      return { state: r.state, effects: [...effects, ...r.effects] };
    }
    // What waits for the answer is the step as shown: its lines (a password) went, and are dropped.
    const { body: _body, ...rest_ } = step;
    const waiting = { ...rest_, lines: [] };
    const sent = sendStep({ ...s, composer: { ...run, steps: rest, waiting } }, step, now);
    if (!sent.ok) {
      const r = ended(s, run.spec, step.what, sent.why, 'PH_NOT_SENT');
      return { state: r.state, effects: [...effects, ...r.effects] };
    }
    s = sent.state;
    effects.push(...sent.effects);
    if (step.wait !== null) return { state: s, effects };
    s = { ...s, composer: { ...s.composer!, waiting: null } };
  }
}

/** One step's lines on the wire, CRLF each, shown as they go (echo or not: the user asked for them). */
function sendStep(state: SessionState, step: PlanStep, now: number): { ok: true; state: SessionState; effects: Effect[] } | { ok: false; why: string } {
  if (step.lines.length === 0 && step.body === undefined) return { ok: true, state, effects: step.note ? [said([step.note])] : [] };
  if (!canSend(state)) return { ok: false, why: `not sent (${notSentReason(state)})` };
  const tagged = helperSends(state, step.lines, now);
  const effects: Effect[] = step.note ? [said([`\u21b3 ${step.note}`])] : [];
  const encoding = state.settings.encoding;
  for (const [i, line] of tagged.lines.entries()) {
    const e = encodeText(`${line}\r\n`, encoding);
    if (!e.ok) return { ok: false, why: `${e.char} has no byte in ${encoding}` };
    // The tag the helper gave goes before the masked form too (a prefix: never a pattern, whose
    // replacement text could bring the secret back with "$&").
    const plain = step.lines[i]!;
    const shown = line !== plain && line.endsWith(plain) ? line.slice(0, line.length - plain.length) + step.shown[i]! : step.shown[i]!;
    effects.push(sendEffect(e.bytes, { text: shown, eol: 'crlf', echo: true, ...(shown !== line ? { masked: true } : {}) }));
  }
  if (step.body !== undefined) {
    const e = encodeText(step.body, encoding);
    if (!e.ok) return { ok: false, why: `${e.char} has no byte in ${encoding}` };
    effects.push(sendEffect(e.bytes, { text: step.body, eol: null, echo: false }));
    effects.push(said([`\u21b3 the body: ${e.bytes.length} byte${e.bytes.length === 1 ? '' : 's'}`]));
  }
  return { ok: true, state: { ...state, helper: tagged.helper }, effects };
}

/** The server's answers, as the helper matched them: the step waited for goes on, or the run stops. */
export function composerAnswers(state: SessionState, answers: readonly Answer[], now: number): Step {
  let s = state;
  const effects: Effect[] = [];
  for (const a of answers) {
    const run = s.composer;
    const step = run?.waiting;
    if (!run || !step || a.verb !== step.verb) continue;
    const good = step.wait === 'go' ? a.goAhead : a.ok;
    if (good) {
      const r = advance({ ...s, composer: { ...run, waiting: null } }, now);
      s = r.state;
      effects.push(...r.effects);
      continue;
    }
    if (step.orElse) {
      const r = advance({ ...s, composer: { ...run, waiting: null, steps: [...step.orElse, ...run.steps] } }, now);
      s = r.state;
      effects.push(...r.effects);
      continue;
    }
    const r = ended(s, run.spec, step.what, `the server said ${a.text}`, 'PH_STEP_REFUSED');
    s = r.state;
    effects.push(...r.effects);
  }
  return { state: s, effects };
}

/**
 * The run is over: done when `what` is empty, else stopped there. Either way the next -c command
 * may go (a stop ends the script: the steps after it assumed it had worked).
 */
function ended(state: SessionState, spec: Compose, what: string, why: string, code: 'PH_STEP_REFUSED' | 'PH_NOT_SENT' | 'PH_BAD_FIELD' | undefined): Step {
  const name = composeName(spec);
  const ok = what === '';
  const words = ok ? `${name}: done.` : `${name} stopped at ${what}: ${why}.`;
  return {
    state: { ...state, composer: null, lastRun: { ok, name, what }, script: ok ? state.script : [] },
    effects: [said([words], ok ? undefined : code), { type: 'script-next' }],
  };
}

/** The connection went while a composer ran: it stops there. */
export function composerLost(state: SessionState, why: string): Step {
  const run = state.composer;
  if (!run) return noEffects(state);
  return ended(state, run.spec, run.waiting?.what ?? run.asking?.prompt.replace(/: $/, '') ?? 'the start', why, 'PH_STEP_REFUSED');
}

/** Stopped by the user (Ctrl+C, Esc at the password). */
export function composerCancelled(state: SessionState): Step {
  const run = state.composer!;
  const r = ended(state, run.spec, run.waiting?.what ?? 'the password', 'stopped by you', undefined);
  return { state: { ...r.state, lastRun: { ok: false, name: composeName(run.spec), what: 'cancelled' } }, effects: r.effects };
}

/** Keys while a composer asks for a password: the line is the password, shown as dots only. */
export function askInput(state: SessionState, event: InputEvent, now: number): Step {
  const run = state.composer!;
  const asking = run.asking!;
  const edit = (editor: typeof asking.editor): Step => noEffects({ ...state, composer: { ...run, asking: { ...asking, editor } } });
  switch (event.type) {
    case 'text':
      return edit(lineEditorReducer(asking.editor, { type: 'insert', text: event.text }));
    case 'paste': {
      // A pasted password ends at its line break, as typed and Enter.
      const [first, ...more] = event.text.split(/\r\n|\r|\n/);
      const editor = lineEditorReducer(asking.editor, { type: 'insert', text: first! });
      return more.length > 0 ? secretGiven(state, editor.text, now) : edit(editor);
    }
    case 'focus':
    case 'unknown':
      return noEffects(state);
    case 'key':
      break;
  }
  if (event.name === 'escape' && !event.ctrl && !event.meta) return composerCancelled(state);
  const command = lookup(event);
  if (command === 'interrupt') return composerCancelled(state);
  if (command === 'submit') return secretGiven(state, asking.editor.text, now);
  // History would recall other lines into a password: no history here; the rest edits.
  if (command === 'history-prev' || command === 'history-next' || command === 'yank') return noEffects(state);
  if (command && isEditorCommand(command)) return edit(lineEditorReducer(asking.editor, { type: command }));
  return noEffects(state);
}

function secretGiven(state: SessionState, secret: string, now: number): Step {
  const run = state.composer!;
  try {
    checkSecret(secret);
  } catch (e) {
    if (e instanceof FieldError) return ended(state, run.spec, 'the password', e.message, 'PH_BAD_FIELD');
    throw e;
  }
  // The password lives in the plan's lines only until they are sent.
  return advance(planned(state, secret), now);
}
