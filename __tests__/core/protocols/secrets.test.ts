import { MASK, maskSent, NO_SECRETS_AHEAD, secretsAfterServer, type SecretsAhead } from '../../../src/core/protocols/secrets.js';

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
