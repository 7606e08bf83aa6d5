// The class of a server's reply as a colour: success, in progress (or try later), refused. The
// helper in force says which replies it reads; the pane paints a reply line in its tone, and
// porthole's own note that a step stopped in the refusal's. A table of patterns, not branches.

import type { Tone } from '../status.js';
import type { ProtoName } from './choose.js';

type Rule = readonly [pattern: RegExp, tone: Tone];

const REPLIES: Readonly<Partial<Record<ProtoName, readonly Rule[]>>> = {
  smtp: [
    [/^2\d\d[ -]/, 'ok'],
    [/^3\d\d[ -]/, 'busy'],
    [/^4\d\d[ -]/, 'busy'],
    [/^5\d\d[ -]/, 'bad'],
  ],
  pop3: [
    [/^\+OK\b/, 'ok'],
    [/^-ERR\b/, 'bad'],
  ],
  imap: [
    [/^[A-Za-z0-9.]+ OK\b/, 'ok'],
    [/^[A-Za-z0-9.]+ (NO|BAD)\b/, 'bad'],
    [/^\* (NO|BAD|BYE)\b/, 'bad'],
  ],
  http: [
    [/^HTTP\/\d(\.\d)? [12]\d\d\b/, 'ok'],
    [/^HTTP\/\d(\.\d)? 3\d\d\b/, 'busy'],
    [/^HTTP\/\d(\.\d)? [45]\d\d\b/, 'bad'],
  ],
};

/** Porthole's notes that say a step was refused or stopped, or that it was done. */
const NOTES: readonly Rule[] = [
  [/^\u21b3 [45]\d\d \((permanent|temporary)\)/, 'bad'],
  [/^\u21b3 -ERR\b/, 'bad'],
  [/^\u21b3 \S+ \S+: refused/, 'bad'],
  [/ stopped at .+: /, 'bad'],
  [/^[a-z0-9]+ [a-z]+: done\.$/, 'ok'],
];

/** The tone of a line of the server's (under the helper in force), or of a note of porthole's; null: none. */
export function lineTone(proto: ProtoName | null, source: 'in' | 'out' | 'info', text: string): Tone | null {
  const rules = source === 'in' ? (proto ? REPLIES[proto] : undefined) : source === 'info' ? NOTES : undefined;
  if (!rules) return null;
  for (const [pattern, tone] of rules) if (pattern.test(text)) return tone;
  return null;
}
