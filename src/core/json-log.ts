// --json-log: one JSON object a line for each thing that happened to a connection, for tools:
// where it was going, each address tried, the connect, TLS, every byte both ways (base64, exact),
// and how it ended. JSON's escapes keep every control byte of the wire out of the file's text.

import type { Outcome } from './outcome.js';
import type { SessionAction } from './session/state.js';
import { tlsRecord } from './tls.js';

const outcome = (o: Outcome) => ({ kind: o.kind, code: o.code, label: o.label, exit: o.exit });

/** The record of a connection's event, or null for an action that is none (keys, peer lines). */
export function eventRecord(action: SessionAction, wall: number): Record<string, unknown> | null {
  const t = new Date(wall).toISOString();
  switch (action.type) {
    case 'resolving':
      return { t, event: 'resolving', host: action.target.host, port: action.target.port };
    case 'attempt':
      return { t, event: 'attempt', address: action.attempt.address, family: action.attempt.family, outcome: outcome(action.attempt.outcome) };
    case 'connected':
      return { t, event: 'connected', address: action.address, local: action.local, connectMs: action.connectMs, ...(action.tls ? { tls: tlsRecord(action.tls) } : {}) };
    case 'failed':
      return { t, event: 'failed', address: action.address, outcome: outcome(action.outcome), ...(action.tls ? { tls: tlsRecord(action.tls) } : {}) };
    case 'tls-up':
      return { t, event: 'tls', starttls: action.protocol, discarded: action.discarded, tls: tlsRecord(action.tls) };
    case 'starttls-failed':
      return { t, event: 'starttls-failed', outcome: outcome(action.outcome), closed: action.closed };
    case 'peer-eof':
      return { t, event: 'peer-eof', outcome: outcome(action.outcome) };
    case 'closed':
      return { t, event: 'closed', byUs: action.outcome === null, ...(action.outcome ? { outcome: outcome(action.outcome) } : {}) };
    default:
      return null;
  }
}

/** The record of bytes that crossed, exactly (after TLS, before telnet's filter). */
export function dataRecord(dir: 'in' | 'out', bytes: Uint8Array, wall: number): Record<string, unknown> {
  return { t: new Date(wall).toISOString(), event: 'data', dir, length: bytes.length, base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
}
