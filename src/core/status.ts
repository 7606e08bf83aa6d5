// The status bar's words: the connection's state and outcome as a person acts on them, then the
// counters and the settings in force. Pure: the bar only renders what this returns, and what it
// returns is safe to draw (a banner and the names typed are the peer's and the user's text).

import { formatMs } from './clock.js';
import { formatKey, keysFor } from './key-bindings.js';
import { safe, type SafeText } from './sanitize.js';
import { SEND_QUEUE_CAP, type Conn, type Settings } from './session/state.js';
import { formatHostPort } from './target.js';
import { tlsSummary, verdictWords, type TlsReport } from './tls.js';
import type { ProtoName } from './protocols/choose.js';

export type Tone = 'ok' | 'busy' | 'bad' | 'muted';

export interface StatusInput {
  conn: Conn;
  settings: Settings;
  now: number;
  bytesIn: number;
  bytesOut: number;
  /** Bytes written but not taken by the kernel: the peer is not reading. */
  queued: number;
  /** Lines typed while connecting, to be sent on connect. */
  pending: number;
  /** Lines that arrived while the pane is scrolled back; null when following. */
  newLines: number | null;
  /** Where the transcript goes, when one is being written. */
  logFile: string | null;
  hint: string | null;
  /** The TLS session's verdict, over TLS; else null. */
  tls: TlsReport | null;
  /** The protocol helper in force (null: auto, not decided yet). */
  helper: ProtoName | null;
  /** Telnet on this connection, and whether the server echoes; null without telnet. */
  telnet?: { serverEcho: boolean } | null;
}

export interface StatusLine {
  text: SafeText;
  tone: Tone;
}

interface Words {
  text: string;
  tone: Tone;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** Elapsed time as a clock reads: 42 s, 3m07s, 1h02m. */
export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

const AFTERWARDS = 'Ctrl+] then: reconnect, open HOST [PORT], quit';
/** The key that returns the pane to the tail, named from the bindings so the words cannot drift. */
const FOLLOW_KEY = formatKey(keysFor('scroll-bottom')[0]!);

/** The first line: what is happening or what happened, and what to do about it. */
function stateLine(s: StatusInput): Words {
  const c = s.conn;
  const where = formatHostPort(c.target.host, c.target.port);
  const pending = s.pending > 0 ? ` | ${s.pending} line${s.pending === 1 ? '' : 's'} queued, sent on connect` : '';
  switch (c.phase) {
    case 'resolving':
      return { text: `Resolving ${c.target.host}... ${formatMs(s.now - c.since)}${pending}`, tone: 'busy' };
    case 'trying':
      return { text: `Trying ${formatHostPort(c.address, c.target.port)}... ${formatMs(s.now - c.since)}${pending}`, tone: 'busy' };
    case 'connected': {
      const addr = c.address === c.target.host ? '' : ` (${c.address})`;
      const tls = s.tls ? `, ${s.tls.version} ${verdictWords(s.tls)}` : '';
      const base = `Connected to ${where}${addr} in ${formatMs(c.connectMs)}${tls}`;
      if (c.peerEof) {
        const ours = c.localEof ? 'both sides done, closing' : 'it may still read what you send; Ctrl+D ends our side';
        return { text: `${c.peerEof.label}: the peer stopped sending (FIN) | ${ours}`, tone: 'bad' };
      }
      const half = c.localEof ? ' | EOF sent, waiting for the peer' : '';
      const stalled = s.queued > 0 ? ` | ${formatBytes(s.queued)} of ${formatBytes(SEND_QUEUE_CAP)} queued: the peer is not reading` : '';
      const banner = c.banner !== null && !half && !stalled ? `: ${c.banner.trim()}` : '';
      return { text: `${base}${half}${stalled}${banner}`, tone: stalled || (s.tls && !s.tls.verified) ? 'busy' : 'ok' };
    }
    case 'failed': {
      const at = c.address && c.address !== c.target.host ? ` (${c.address})` : '';
      return { text: `${c.outcome.label}: ${where}${at}`, tone: 'bad' };
    }
    case 'closed': {
      if (!c.outcome) return { text: `Connection to ${where} closed (by you) after ${formatElapsed(c.duration)}.`, tone: 'muted' };
      return { text: `${c.outcome.label} after ${formatElapsed(c.duration)}.`, tone: 'bad' };
    }
    case 'cancelled':
      return { text: `Not connected: you cancelled connecting to ${where}.`, tone: 'muted' };
  }
}

/**
 * The second line: addresses, time, counters, and the settings that decide what is sent. ASCII
 * only: the first non-ASCII string measured costs string-width ~50 ms of ICU set-up, which the
 * first frame should not pay.
 */
function detailLine(s: StatusInput): Words {
  const c = s.conn;
  const parts: string[] = [];
  // First: the pane is not showing what arrives, which the user must not miss.
  if (s.newLines !== null) parts.push(`scrolled back, ${s.newLines} new line${s.newLines === 1 ? '' : 's'} (${FOLLOW_KEY} returns to the end)`);
  if (c.phase === 'connected') {
    parts.push(`${c.local} -> ${formatHostPort(c.address, c.target.port)}`, formatElapsed(s.now - c.since));
    if (s.tls) parts.push(`${s.tls.version} ${s.tls.cipher}`);
  }
  parts.push(`in ${formatBytes(s.bytesIn)}`, `out ${formatBytes(s.bytesOut)}`);
  const st = s.settings;
  // Telnet: which mode, and why ("server echoes": a password is typed blind, as the server wants).
  if (s.telnet) parts.push('telnet', st.mode === 'terminal' ? 'terminal mode' : s.telnet.serverEcho && st.mode === 'char' ? 'char: server echoes' : st.mode === 'line' ? 'line mode' : 'char');
  else parts.push(st.mode);
  parts.push(st.lineEnding.toUpperCase(), st.encoding);
  if (!st.echo && !s.telnet?.serverEcho) parts.push('no echo');
  if (st.hex) parts.push('hex');
  if (st.timestamps) parts.push('time');
  if (st.raw) parts.push('raw');
  if (st.colours) parts.push('colours');
  // The helper in force; "auto" while the banner has not told yet.
  if (c.phase === 'connected' && s.helper !== 'none') parts.push(`${s.helper ?? 'auto'} helper`);
  if (s.logFile) parts.push(`log ${s.logFile}`);
  parts.push('Ctrl+] menu');
  return { text: parts.join(' | '), tone: s.newLines !== null ? 'busy' : 'muted' };
}

/** When the connection failed or ended: what it means, what to check, and what porthole can do. */
function explanation(s: StatusInput): Words[] {
  const c = s.conn;
  const outcome = c.phase === 'failed' ? c.outcome : c.phase === 'closed' ? c.outcome : c.phase === 'connected' ? c.peerEof : null;
  if (c.phase !== 'closed' && c.phase !== 'failed' && c.phase !== 'cancelled' && !outcome) return [];
  const lines: Words[] = [];
  if (outcome) {
    lines.push({ text: outcome.meaning, tone: 'muted' });
    if (outcome.next) lines.push({ text: `Next: ${outcome.next}`, tone: 'muted' });
  }
  if (c.phase !== 'connected') lines.push({ text: AFTERWARDS, tone: 'busy' });
  return lines;
}

/**
 * The bar's lines, most important first: the state line, then its explanation, then the details
 * and the hint. A small terminal shows as many as fit, from the top (see core/layout).
 */
export function statusLines(s: StatusInput): StatusLine[] {
  const lines = [stateLine(s), ...explanation(s), detailLine(s)];
  if (s.hint) lines.push({ text: s.hint, tone: 'busy' });
  return lines.map((l) => ({ text: safe(l.text), tone: l.tone }));
}

/** `status` in the prompt: the same facts as the bar, one per line, for the output pane. */
export function statusReport(s: StatusInput): string[] {
  const c = s.conn;
  const lines = [stateLine(s).text];
  if (c.phase === 'connected') {
    lines.push(`Remote ${formatHostPort(c.address, c.target.port)}, local ${c.local}, connected ${formatElapsed(s.now - c.since)} ago`);
    if (c.banner !== null) lines.push(`Banner: ${c.banner}`);
    if (s.tls) lines.push(`TLS: ${tlsSummary(s.tls)}`);
  }
  lines.push(`Bytes in ${s.bytesIn}, out ${s.bytesOut}${s.queued ? `, queued ${s.queued}` : ''}`);
  const st = s.settings;
  lines.push(
    `Mode ${st.mode}, line ending ${st.lineEnding.toUpperCase()}, encoding ${st.encoding}, echo ${st.echo ? 'on' : 'off'}, hex ${st.hex ? 'on' : 'off'}, timestamps ${st.timestamps ? 'on' : 'off'}, colours ${st.colours ? 'on' : 'off'}, raw ${st.raw ? 'on' : 'off'}`,
  );
  lines.push(s.logFile ? `Transcript: ${s.logFile}` : 'Transcript: off');
  return lines;
}
