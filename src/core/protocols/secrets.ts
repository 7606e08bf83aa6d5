// Secrets typed by the user: passwords after PASS, IMAP's LOGIN, the AUTH exchanges of SMTP and
// IMAP, HTTP's Authorization headers. What goes on the wire is what the protocol needs; what the
// pane, the transcript and the history keep is the line with the secret masked. Whatever the
// helper: a secret is a secret in a raw session too, and masking what is shown costs nothing sent.

export const MASK = '********';

/**
 * How many of the lines the user sends next are an exchange's answers (AUTH's base64 secrets, an
 * IMAP password sent as a literal), and whether the server has prompted for them yet (replies to
 * earlier commands may come first, and must not end the exchange).
 */
export interface SecretsAhead {
  readonly lines: number;
  readonly prompted: boolean;
}

/** Lines that follow AUTH MECH without an initial response, by mechanism. */
const ANSWERS: Readonly<Record<string, number>> = { PLAIN: 1, LOGIN: 2, 'CRAM-MD5': 1, XOAUTH2: 1, OAUTHBEARER: 1, 'DIGEST-MD5': 2, 'SCRAM-SHA-1': 2, 'SCRAM-SHA-256': 2 };

/** An IMAP astring: a quoted string (with its escapes) or an atom. */
const ASTRING = String.raw`(?:"(?:[^"\\]|\\.)*"|\S+)`;
/**
 * A tag before the command, as people type them (a1, A001, x9): letters and digits with a digit.
 * Ordinary words are no tag, so "Please login with your password" in a mail body stays as typed.
 */
const TAG = String.raw`(?:[A-Za-z]*\d+[A-Za-z0-9]*\s+)?`;
const LITERAL = /^\{\d+\+?\}$/;

interface Rule {
  re: RegExp;
  /** The line as shown; `ahead`: answers of an exchange that follow. */
  mask(m: RegExpExecArray): { shown: string; ahead: number };
  /** Where the secret is in the line (for the input line, masked as it is typed); null: none here. */
  span(m: RegExpExecArray): readonly [number, number] | null;
}

/** From the end of the group before the secret to the end of the line. */
const rest = (m: RegExpExecArray, before: number): readonly [number, number] => [m.index + before, m.index + m[0]!.length];

const RULES: readonly Rule[] = [
  // POP3 and FTP.
  { re: /^(PASS\s+)(.+)$/i, mask: (m) => ({ shown: `${m[1]}${MASK}`, ahead: 0 }), span: (m) => rest(m, m[1]!.length) },
  // IMAP LOGIN, tagged or not (the helper may add the tag): the last argument is the password;
  // a literal ({8}) says the password is the next line, after the server's "+".
  {
    re: new RegExp(String.raw`^(${TAG}LOGIN\s+${ASTRING}\s+)(.+)$`, 'i'),
    mask: (m) => (LITERAL.test(m[2]!.trim()) ? { shown: m[0]!, ahead: 1 } : { shown: `${m[1]}${MASK}`, ahead: 0 }),
    span: (m) => (LITERAL.test(m[2]!.trim()) ? null : rest(m, m[1]!.length)),
  },
  // SMTP AUTH and IMAP AUTHENTICATE: an initial response is the first secret (AUTH LOGIN's is the
  // user name: the password still comes); without one, every answer is.
  {
    re: new RegExp(String.raw`^(${TAG}(?:AUTH|AUTHENTICATE)\s+(\S+))(\s+(\S+))?\s*$`, 'i'),
    mask: (m) => {
      const answers = ANSWERS[m[2]!.toUpperCase()] ?? 1;
      return m[3] ? { shown: `${m[1]} ${m[4] === '=' ? '=' : MASK}`, ahead: Math.max(0, answers - 1) } : { shown: m[1]!, ahead: answers };
    },
    span: (m) => (m[3] && m[4] !== '=' ? [m[1]!.length + m[3].length - m[4]!.length, m[1]!.length + m[3].length] : null),
  },
  // HTTP credentials: the scheme stays, its value goes.
  {
    re: /^((?:Proxy-)?Authorization:\s*)(\S+)(\s+\S.*)?$/i,
    mask: (m) => ({ shown: m[3] ? `${m[1]}${m[2]} ${MASK}` : `${m[1]}${MASK}`, ahead: 0 }),
    span: (m) => (m[3] ? rest(m, m[0]!.length - m[3].trimStart().length) : rest(m, m[1]!.length)),
  },
];

/**
 * One line the user sends, as it may be shown and kept: `ahead` is what the exchange so far says
 * of it (an answer to AUTH's prompt is masked whole), and the new `ahead` for the lines after it.
 */
export function maskSent(text: string, ahead: SecretsAhead): { shown: string; ahead: SecretsAhead; masked: boolean } {
  if (ahead.lines > 0) return { shown: MASK, ahead: { lines: ahead.lines - 1, prompted: false }, masked: true };
  for (const rule of RULES) {
    const m = rule.re.exec(text);
    if (!m) continue;
    const r = rule.mask(m);
    return { shown: r.shown, ahead: { lines: r.ahead, prompted: false }, masked: r.shown !== text };
  }
  return { shown: text, ahead: NO_SECRETS_AHEAD, masked: false };
}

export const NO_SECRETS_AHEAD: SecretsAhead = Object.freeze({ lines: 0, prompted: false });

/**
 * A line from the server during an AUTH exchange: a prompt for the next answer (SMTP's 334, IMAP's
 * "+") keeps the exchange going; anything else ends it, so the next line is typed text again.
 */
export function secretsAfterServer(line: string, ahead: SecretsAhead): SecretsAhead {
  if (ahead.lines === 0) return ahead;
  if (/^(334|\+)(\s|$)/.test(line)) return { ...ahead, prompted: true };
  if (ahead.prompted) return NO_SECRETS_AHEAD;
  // Before its first prompt: a refusal ends the exchange; a success answers an earlier command
  // (a late reply to EHLO) and leaves it waiting.
  return /^([45]\d\d(\s|-|$)|-ERR\b|\S+ (NO|BAD)\b)/.test(line) ? NO_SECRETS_AHEAD : ahead;
}

/**
 * Where the secret is in a line being typed, to draw it masked in the input line: the answer to an
 * AUTH prompt is secret whole; null when the line holds none (yet).
 */
export function secretSpan(text: string, ahead: SecretsAhead): readonly [number, number] | null {
  if (text === '') return null;
  if (ahead.lines > 0) return [0, text.length];
  for (const rule of RULES) {
    const m = rule.re.exec(text);
    if (m) return rule.span(m);
  }
  return null;
}
