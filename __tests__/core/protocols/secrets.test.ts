import { MASK, maskSent, NO_SECRETS_AHEAD, secretSpan, secretsAfterServer, type SecretsAhead } from '../../../src/core/protocols/secrets.js';
import { createLineEditorState, lineEditorReducer, maskedView } from '../../../src/core/line-editor.js';

const shown = (...lines: string[]) => {
  let ahead: SecretsAhead = NO_SECRETS_AHEAD;
  return lines.map((l) => {
    const m = maskSent(l, ahead);
    ahead = m.ahead;
    return m.shown;
  });
};

test('the secret of each protocol is masked; the rest of the line stays as typed', () => {
  expect(shown('USER alice', 'PASS wonder land')).toEqual(['USER alice', `PASS ${MASK}`]);
  expect(shown('a1 LOGIN alice wonderland')).toEqual([`a1 LOGIN alice ${MASK}`]);
  expect(shown('a1 LOGIN "al ice" "won der"')).toEqual([`a1 LOGIN "al ice" ${MASK}`]);
  expect(shown('LOGIN alice wonderland')).toEqual([`LOGIN alice ${MASK}`]);
  expect(shown('AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=')).toEqual([`AUTH PLAIN ${MASK}`]);
  expect(shown('Authorization: Basic YWxpY2U6d29uZGVybGFuZA==', 'Host: x')).toEqual([`Authorization: Basic ${MASK}`, 'Host: x']);
  expect(shown('proxy-authorization: Bearer abc.def')).toEqual([`proxy-authorization: Bearer ${MASK}`]);
  expect(shown('EHLO me', 'MAIL FROM:<a@b>')).toEqual(['EHLO me', 'MAIL FROM:<a@b>']);
});

test('an AUTH exchange without an initial response: its answers are masked, until the server stops prompting', () => {
  expect(shown('AUTH LOGIN', 'YWxpY2U=', 'd29uZGVybGFuZA==', 'MAIL FROM:<a@b>')).toEqual(['AUTH LOGIN', MASK, MASK, 'MAIL FROM:<a@b>']);
  expect(shown('a2 AUTHENTICATE PLAIN', 'AGFsaWNlAHdvbmRlcmxhbmQ=', 'a3 SELECT INBOX')).toEqual(['a2 AUTHENTICATE PLAIN', MASK, 'a3 SELECT INBOX']);
  // A refusal of AUTH ends the exchange: the next line is typed text again.
  const after = maskSent('AUTH LOGIN', NO_SECRETS_AHEAD).ahead;
  expect(secretsAfterServer('334 VXNlcm5hbWU6', after)).toEqual({ ...after, prompted: true });
  expect(secretsAfterServer('504 5.5.4 Unrecognized authentication type', after)).toEqual(NO_SECRETS_AHEAD);
  expect(secretsAfterServer('+ ', after)).toEqual({ ...after, prompted: true });
  // A late reply to an earlier command, before the first prompt, does not end it; after, a reply does.
  expect(secretsAfterServer('250 8BITMIME', after)).toEqual(after);
  expect(secretsAfterServer('235 2.7.0 Authentication successful', { ...after, prompted: true })).toEqual(NO_SECRETS_AHEAD);
});

test('the review\'s cases: AUTH LOGIN with its user name, a password as a literal, words that are no command', () => {
  expect(shown('AUTH LOGIN dXNlcg==', 'cGFzcw==')).toEqual([`AUTH LOGIN ${MASK}`, MASK]);
  expect(shown('A1 LOGIN alice {8}', 'hunter22')).toEqual(['A1 LOGIN alice {8}', MASK]);
  expect(shown('Please login with your password now', 'I auth them')).toEqual(['Please login with your password now', 'I auth them']);
});

test('the secret of a line being typed is found, to be drawn as marks in the input line', () => {
  const at = (text: string, ahead: SecretsAhead = NO_SECRETS_AHEAD) => {
    const span = secretSpan(text, ahead);
    return span ? text.slice(span[0], span[1]) : null;
  };
  expect(at('PASS s3cret word')).toBe('s3cret word');
  expect(at('PASS ')).toBeNull();
  expect(at('a1 LOGIN bob "pa ss"')).toBe('"pa ss"');
  expect(at('LOGIN bob {8}')).toBeNull();
  expect(at('AUTH PLAIN AGJvYgBwdw==  ')).toBe('AGJvYgBwdw==');
  expect(at('AUTH PLAIN =')).toBeNull();
  expect(at('Authorization: Basic dXNlcjpwdw==')).toBe('dXNlcjpwdw==');
  expect(at('Authorization: token')).toBe('token');
  expect(at('YWxpY2U=', { lines: 1, prompted: true })).toBe('YWxpY2U=');
  expect(at('EHLO me')).toBeNull();
  // Drawn as one mark a character, the cursor where it was.
  let e = lineEditorReducer(createLineEditorState(), { type: 'insert', text: 'PASS pässwörd' });
  e = lineEditorReducer(e, { type: 'cursor-left' });
  const v = maskedView(e, '> ', 40, [secretSpan(e.text, NO_SECRETS_AHEAD)!]);
  expect(`${v.before}${v.under}${v.after}`).toBe('PASS ********');
  expect(v.under).toBe('*');
  expect(JSON.stringify(v)).not.toMatch(/pässw/);
});
