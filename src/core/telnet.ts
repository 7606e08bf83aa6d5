// The telnet protocol (RFC 854, 855) as the pipeline's protocol filter: IAC sequences out of the
// data, options negotiated without loops by RFC 1143's Q method, subnegotiations answered
// (TERMINAL-TYPE, NAWS, NEW-ENVIRON's USER), 0xFF doubled and a bare CR sent as CR NUL. Pure: bytes
// in, data and replies out; what the session must know (the server echoes now) comes out as events.
// A hostile peer costs bounded memory (a subnegotiation is kept up to a cap) and bounded work (an
// option that flips too often with no data between is refused until data comes again).

import type { FilterEvent, FilterOutput, ProtocolFilter } from './pipeline.js';

export const IAC = 255;
const DONT = 254;
const DO = 253;
const WONT = 252;
const WILL = 251;
const SB = 250;
const SE = 240;

/** Telnet's commands by the names telnet's `send` gives them (RFC 854, 855; EOF from RFC 1184). */
export const TELNET_COMMANDS: Readonly<Record<string, { code: number; words: string }>> = {
  ao: { code: 245, words: 'Abort Output' },
  ayt: { code: 246, words: 'Are You There' },
  brk: { code: 243, words: 'Break' },
  ec: { code: 247, words: 'Erase Character' },
  el: { code: 248, words: 'Erase Line' },
  eof: { code: 236, words: 'End Of File' },
  ga: { code: 249, words: 'Go Ahead' },
  ip: { code: 244, words: 'Interrupt Process' },
  nop: { code: 241, words: 'No Operation' },
  synch: { code: 242, words: 'Synch (Data Mark)' },
};

const COMMAND_NAMES: Readonly<Record<number, string>> = { 236: 'EOF', 241: 'NOP', 242: 'DM', 243: 'BRK', 244: 'IP', 245: 'AO', 246: 'AYT', 247: 'EC', 248: 'EL', 249: 'GA' };

export const OPT = { BINARY: 0, ECHO: 1, SGA: 3, STATUS: 5, TTYPE: 24, NAWS: 31, LINEMODE: 34, NEW_ENVIRON: 39 } as const;

/** Options by number, for what the negotiation log says. */
const OPTION_NAMES: Readonly<Record<number, string>> = {
  0: 'BINARY',
  1: 'ECHO',
  3: 'SUPPRESS-GO-AHEAD',
  5: 'STATUS',
  6: 'TIMING-MARK',
  24: 'TERMINAL-TYPE',
  31: 'NAWS',
  32: 'TERMINAL-SPEED',
  33: 'TOGGLE-FLOW-CONTROL',
  34: 'LINEMODE',
  35: 'X-DISPLAY-LOCATION',
  36: 'OLD-ENVIRON',
  37: 'AUTHENTICATION',
  38: 'ENCRYPT',
  39: 'NEW-ENVIRON',
};

export const optionName = (n: number): string => OPTION_NAMES[n] ?? `option ${n}`;

/** RFC 1143's states of one side of one option, with its queue bit folded in. */
type Q = 'no' | 'yes' | 'wantno' | 'wantno-opposite' | 'wantyes' | 'wantyes-opposite';

/**
 * Which options we agree to: `us` those we will do ourselves (WILL), `him` those we want the
 * server to do (DO). Every other option is refused.
 */
const OURS: ReadonlySet<number> = new Set([OPT.BINARY, OPT.SGA, OPT.TTYPE, OPT.NAWS, OPT.NEW_ENVIRON]);
const HIS: ReadonlySet<number> = new Set([OPT.BINARY, OPT.ECHO, OPT.SGA]);

/** Longest subnegotiation kept; past it the rest is dropped until its IAC SE. */
const MAX_SB = 1024;
/**
 * Changes one option may make with no data between them before it is refused (answered, never
 * enabled) until data comes again: a peer that never stops negotiating. A server that turns echo
 * off and on around each password prompt sends a prompt between: it is never refused.
 */
const MAX_FLIPS = 32;

export interface TelnetSetup {
  /** The terminal type to give (the user's TERM). */
  term: string;
  /** NEW-ENVIRON's USER, when the user gave one. */
  user: string | null;
  /** The output pane's size, for NAWS. */
  cols: number;
  rows: number;
}

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;

type Parse =
  | { kind: 'data' }
  | { kind: 'iac' }
  | { kind: 'option'; verb: number }
  | { kind: 'sb'; bytes: number[]; dropped: boolean; iac: boolean };

/** The negotiator: one per connection. */
export class TelnetFilter implements ProtocolFilter {
  private parse: Parse = { kind: 'data' };
  /** A CR received: a NUL after it is the NVT's way of saying "just CR", and is dropped. */
  private afterCR = false;
  private readonly us = new Map<number, Q>();
  private readonly him = new Map<number, Q>();
  private readonly flips = new Map<number, number>();
  private readonly refused = new Set<number>();
  private setup: TelnetSetup;

  constructor(setup: TelnetSetup) {
    this.setup = { ...setup };
  }

  /** What a client says first: the options it wants (the server's echo is its to offer). */
  start(): FilterOutput {
    const replies: Uint8Array[] = [];
    const events: FilterEvent[] = [];
    this.ask('him', OPT.SGA, true, replies, events);
    this.ask('us', OPT.NAWS, true, replies, events);
    this.ask('us', OPT.TTYPE, true, replies, events);
    return { data: new Uint8Array(0), replies, events };
  }

  receive(bytes: Uint8Array): FilterOutput {
    // Runs of plain data are passed on as slices: a flood with no IAC costs one scan, no copy.
    const parts: Uint8Array[] = [];
    const replies: Uint8Array[] = [];
    const events: FilterEvent[] = [];
    let i = 0;
    while (i < bytes.length) {
      const p = this.parse;
      if (p.kind === 'data') {
        const iac = bytes.indexOf(IAC, i);
        const end = iac < 0 ? bytes.length : iac;
        // CR NUL is a bare CR on the wire: the NUL is the protocol's, not data (in BINARY, data).
        const run = bytes.subarray(i, end);
        if (run.length > 0 && this.flips.size > 0) {
          // Data between negotiations: a peer that talks is no negotiation loop.
          this.refused.clear();
          this.flips.clear();
        }
        const binary = this.him.get(OPT.BINARY) === 'yes';
        let from = 0;
        for (let nul = binary ? -1 : run.indexOf(NUL); nul >= 0; nul = run.indexOf(NUL, nul + 1)) {
          if (nul === 0 ? this.afterCR : run[nul - 1] === CR) {
            if (nul > from) parts.push(run.subarray(from, nul));
            from = nul + 1;
          }
        }
        if (run.length > from) parts.push(run.subarray(from));
        if (run.length > 0) this.afterCR = run[run.length - 1] === CR;
        i = end;
        if (iac >= 0) {
          this.parse = { kind: 'iac' };
          i++;
        }
        continue;
      }
      const b = bytes[i++]!;
      if (p.kind === 'iac') {
        if (b === IAC) {
          // IAC IAC is one 0xFF of data.
          parts.push(Uint8Array.of(IAC));
          this.afterCR = false;
          this.parse = { kind: 'data' };
        } else if (b === DO || b === DONT || b === WILL || b === WONT) this.parse = { kind: 'option', verb: b };
        else if (b === SB) this.parse = { kind: 'sb', bytes: [], dropped: false, iac: false };
        else {
          // GA, NOP, DM and the rest: the protocol's, not data; logged for `toggle options`.
          if (COMMAND_NAMES[b]) events.push({ type: 'telnet-log', text: `RCVD IAC ${COMMAND_NAMES[b]}` });
          this.parse = { kind: 'data' };
        }
        continue;
      }
      if (p.kind === 'option') {
        this.parse = { kind: 'data' };
        this.negotiated(p.verb, b, replies, events);
        continue;
      }
      // Inside SB ... IAC SE: IAC IAC is a 0xFF of the subnegotiation.
      if (p.iac) {
        p.iac = false;
        if (b === SE) {
          this.parse = { kind: 'data' };
          if (!p.dropped) this.subnegotiation(p.bytes, replies, events);
          continue;
        }
        if (b !== IAC) {
          // IAC then anything but SE or IAC: a broken subnegotiation; it ends, and the command is read.
          this.parse = { kind: 'iac' };
          i--;
          continue;
        }
      } else if (b === IAC) {
        p.iac = true;
        continue;
      }
      if (p.bytes.length < MAX_SB) p.bytes.push(b);
      else p.dropped = true;
    }
    const joined = parts.length === 1 ? parts[0]! : concat(parts);
    // In BINARY every byte is data: no CR is the protocol's.
    if (this.him.get(OPT.BINARY) !== 'yes' && (joined.indexOf(CR) >= 0 || this.heldCR)) return { data: this.noOpCRs(joined), replies, events };
    if (joined.length > 0) this.atLineStart = joined[joined.length - 1] === LF;
    return { data: joined, replies, events };
  }

  /** The last data byte ended a line (or nothing came yet): a CR here moves nothing. */
  private atLineStart = true;
  /** A CR at a line's start, at the end of a read: an LF next makes it a line end after all. */
  private heldCR = false;

  /**
   * A bare CR at the start of a line (servers send "\r\n\r" before a prompt) moves a terminal's
   * cursor nowhere: dropped, rather than shown as a mark. A CR LF stays a line end.
   */
  private noOpCRs(data: Uint8Array): Uint8Array {
    const parts: Uint8Array[] = [];
    let from = 0;
    // Nothing came (a read of negotiation only): a held CR waits on.
    if (data.length === 0) return data;
    if (this.heldCR) {
      this.heldCR = false;
      if (data[0] === LF) parts.push(Uint8Array.of(CR));
    }
    // A CR dropped leaves the line at its start: the next one there is a no-op too.
    let dropped = -2;
    for (let cr = data.indexOf(CR); cr >= 0; cr = data.indexOf(CR, cr + 1)) {
      const lineStart = cr === 0 ? this.atLineStart : data[cr - 1] === LF || dropped === cr - 1;
      if (!lineStart) continue;
      if (cr + 1 < data.length && data[cr + 1] === LF) continue;
      // Dropped (or, at the end of the read, held until the next byte says).
      if (cr > from) parts.push(data.subarray(from, cr));
      from = cr + 1;
      dropped = cr;
      if (cr + 1 === data.length) this.heldCR = true;
    }
    if (data.length > from) parts.push(data.subarray(from));
    const out = parts.length === 1 ? parts[0]! : concat(parts);
    // Dropped or held CRs leave the line where it was: at its start.
    if (dropped === data.length - 1) this.atLineStart = true;
    else if (out.length > 0) this.atLineStart = out[out.length - 1] === LF;
    return out;
  }


  /** What we send: 0xFF doubled, a CR not followed by LF sent as CR NUL (unless in BINARY). */
  send(bytes: Uint8Array): Uint8Array {
    const binary = this.us.get(OPT.BINARY) === 'yes';
    let extra = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] === IAC) extra++;
      else if (!binary && bytes[i] === CR && bytes[i + 1] !== LF) extra++;
    }
    if (extra === 0) return bytes;
    const out = new Uint8Array(bytes.length + extra);
    let o = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      out[o++] = b;
      if (b === IAC) out[o++] = IAC;
      else if (!binary && b === CR && bytes[i + 1] !== LF) out[o++] = NUL;
    }
    return out;
  }

  /** A telnet command to send (telnet's `send ayt`...). */
  command(name: string): Uint8Array | null {
    const c = TELNET_COMMANDS[name];
    if (!c) return null;
    // SYNCH is a Data Mark sent as urgent data; without TCP urgent, DM alone is what is left.
    return Uint8Array.of(IAC, c.code);
  }

  /** The pane's new size: sent at once when NAWS is on (every resize). */
  resize(cols: number, rows: number): Uint8Array | null {
    if (cols === this.setup.cols && rows === this.setup.rows) return null;
    this.setup = { ...this.setup, cols, rows };
    return this.us.get(OPT.NAWS) === 'yes' ? this.naws() : null;
  }

  /** Whether the server echoes (it said WILL ECHO, and we agreed). */
  get serverEchoes(): boolean {
    return this.him.get(OPT.ECHO) === 'yes';
  }

  /** The options in force, for `status`: ours and the server's. */
  options(): { ours: string[]; his: string[] } {
    const on = (m: Map<number, Q>) => [...m].filter(([, q]) => q === 'yes').map(([o]) => optionName(o));
    return { ours: on(this.us), his: on(this.him) };
  }

  private naws(): Uint8Array {
    const w = Math.max(0, Math.min(0xffff, this.setup.cols));
    const h = Math.max(0, Math.min(0xffff, this.setup.rows));
    return subneg(OPT.NAWS, [w >> 8, w & 0xff, h >> 8, h & 0xff]);
  }

  /** We ask for an option to be on or off (RFC 1143's "we want it enabled/disabled"). */
  private ask(side: 'us' | 'him', option: number, enable: boolean, replies: Uint8Array[], events: FilterEvent[]): void {
    const map = side === 'us' ? this.us : this.him;
    const q = map.get(option) ?? 'no';
    const verb = side === 'us' ? (enable ? WILL : WONT) : enable ? DO : DONT;
    if (enable && q === 'no') {
      map.set(option, 'wantyes');
      this.say(verb, option, replies, events);
    } else if (!enable && q === 'yes') {
      map.set(option, 'wantno');
      this.say(verb, option, replies, events);
    }
  }

  private say(verb: number, option: number, replies: Uint8Array[], events: FilterEvent[]): void {
    replies.push(Uint8Array.of(IAC, verb, option));
    if (!this.refused.has(option)) events.push({ type: 'telnet-log', text: `SENT ${VERBS[verb]} ${optionName(option)}` });
  }

  /** A WILL, WONT, DO or DONT from the server, by RFC 1143. */
  private negotiated(verb: number, option: number, replies: Uint8Array[], events: FilterEvent[]): void {
    // Refused for now (it flipped too often): answered as RFC 1143 says, never enabled, not logged.
    const quiet = this.refused.has(option);
    if (!quiet) events.push({ type: 'telnet-log', text: `RCVD ${VERBS[verb]} ${optionName(option)}` });
    const side = verb === WILL || verb === WONT ? 'him' : 'us';
    const map = side === 'him' ? this.him : this.us;
    const positive = verb === WILL || verb === DO;
    const agree = positive && !this.refused.has(option) && (side === 'him' ? HIS : OURS).has(option) && (option !== OPT.NEW_ENVIRON || this.setup.user !== null);
    const yes = side === 'him' ? DO : WILL;
    const no = side === 'him' ? DONT : WONT;
    const before = map.get(option) ?? 'no';
    let after: Q = before;
    if (positive) {
      switch (before) {
        case 'no':
          if (agree) {
            after = 'yes';
            this.say(yes, option, replies, events);
          } else this.say(no, option, replies, events);
          break;
        case 'yes':
          break;
        case 'wantno':
          // An error by RFC 1143 (DONT answered by WILL): the option is off.
          after = 'no';
          break;
        case 'wantno-opposite':
          after = 'yes';
          break;
        case 'wantyes':
          after = 'yes';
          break;
        case 'wantyes-opposite':
          after = 'wantno';
          this.say(no, option, replies, events);
          break;
      }
    } else {
      switch (before) {
        case 'no':
          break;
        case 'yes':
          after = 'no';
          this.say(no, option, replies, events);
          break;
        case 'wantno':
          after = 'no';
          break;
        case 'wantno-opposite':
          after = 'wantyes';
          this.say(yes, option, replies, events);
          break;
        case 'wantyes':
        case 'wantyes-opposite':
          after = 'no';
          break;
      }
    }
    map.set(option, after);
    if ((before === 'yes') !== (after === 'yes')) {
      const flips = (this.flips.get(option) ?? 0) + 1;
      this.flips.set(option, flips);
      // A peer that turns an option on and off for ever: refused until data comes, said once.
      if (flips > MAX_FLIPS && !this.refused.has(option)) {
        this.refused.add(option);
        events.push({ type: 'telnet-log', text: `${optionName(option)} refused for now: the server changed it ${MAX_FLIPS} times with no data between` });
        if (after === 'yes') {
          map.set(option, 'no');
          this.say(no, option, replies, events);
          after = 'no';
        }
      }
      if (side === 'him' && option === OPT.ECHO) events.push({ type: 'telnet-echo', on: after === 'yes' });
      if (side === 'us' && option === OPT.NAWS && after === 'yes') replies.push(this.naws());
    }
  }

  private subnegotiation(bytes: number[], replies: Uint8Array[], events: FilterEvent[]): void {
    const [option, command] = bytes;
    if (option === undefined) return;
    events.push({ type: 'telnet-log', text: `RCVD SB ${optionName(option)}${command === 1 ? ' SEND' : ''}` });
    // Only what we agreed to do is answered.
    if (this.us.get(option) !== 'yes') return;
    if (option === OPT.TTYPE && command === 1) {
      replies.push(subneg(OPT.TTYPE, [0, ...ascii(this.setup.term.toUpperCase())]));
      events.push({ type: 'telnet-log', text: `SENT SB TERMINAL-TYPE IS ${this.setup.term.toUpperCase()}` });
    } else if (option === OPT.NEW_ENVIRON && command === 1 && this.setup.user !== null) {
      // IS, VAR "USER", VALUE the user's name (RFC 1572).
      replies.push(subneg(OPT.NEW_ENVIRON, [0, 0, ...ascii('USER'), 1, ...ascii(this.setup.user)]));
      events.push({ type: 'telnet-log', text: `SENT SB NEW-ENVIRON IS USER ${this.setup.user}` });
    }
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const VERBS: Readonly<Record<number, string>> = { [DO]: 'DO', [DONT]: 'DONT', [WILL]: 'WILL', [WONT]: 'WONT' };

const ascii = (s: string) => Array.from(Buffer.from(s.replace(/[^\x20-\x7e]/g, '?'), 'latin1'));

/** IAC SB option ... IAC SE, a 0xFF inside doubled. */
function subneg(option: number, body: number[]): Uint8Array {
  const out = [IAC, SB, option];
  for (const b of body) {
    out.push(b);
    if (b === IAC) out.push(IAC);
  }
  out.push(IAC, SE);
  return Uint8Array.from(out);
}
