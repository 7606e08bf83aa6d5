import { lineTone } from '../../../src/core/protocols/tones.js';

test('a reply line in the colour of its class, under the helper that reads it', () => {
  expect(lineTone('smtp', 'in', '250-PIPELINING')).toBe('ok');
  expect(lineTone('smtp', 'in', '354 End data with <CR><LF>.<CR><LF>')).toBe('busy');
  expect(lineTone('smtp', 'in', '451 4.7.1 Try again later')).toBe('busy');
  expect(lineTone('smtp', 'in', '550 5.1.1 User unknown')).toBe('bad');
  expect(lineTone('smtp', 'in', 'Subject: 550 reasons')).toBeNull();
  expect(lineTone('pop3', 'in', '-ERR [AUTH] no')).toBe('bad');
  expect(lineTone('imap', 'in', 'A001 NO [AUTHENTICATIONFAILED]')).toBe('bad');
  expect(lineTone('imap', 'in', '* 3 EXISTS')).toBeNull();
  expect(lineTone('http', 'in', 'HTTP/1.1 404 Not Found')).toBe('bad');
  expect(lineTone('none', 'in', '550 x')).toBeNull();
  expect(lineTone(null, 'in', '550 x')).toBeNull();
  // Porthole's own notes: a refusal explained, a composer stopped or done.
  expect(lineTone('smtp', 'info', '↳ 550 (permanent): the server refused the mailbox')).toBe('bad');
  expect(lineTone('smtp', 'info', 'smtp send stopped at RCPT TO:<b@y>: the server said 550.')).toBe('bad');
  expect(lineTone('smtp', 'info', 'smtp send: done.')).toBe('ok');
  expect(lineTone('smtp', 'out', '550 typed by the user')).toBeNull();
});
