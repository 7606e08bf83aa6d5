import { parseProto, protoForBanner, protoForPort } from '../../../src/core/protocols/choose.js';
import { EMPTY_REPLY, ehloCapabilities, explainReply, pushReplyLine, type ReplyInProgress, type SmtpReply } from '../../../src/core/protocols/smtp.js';

function replies(...lines: string[]): SmtpReply[] {
  let so: ReplyInProgress = EMPTY_REPLY;
  const out: SmtpReply[] = [];
  for (const l of lines) {
    const step = pushReplyLine(so, l);
    so = step.next;
    if (step.reply) out.push(step.reply);
  }
  return out;
}

test('multi-line replies are assembled; lines that are no reply lines end nothing', () => {
  expect(replies('250-a', 'noise', '250-b', '250 c')).toEqual([{ code: 250, enhanced: null, lines: ['a', 'b', 'c'] }]);
  expect(replies('550 5.1.1 <x>: no')).toEqual([{ code: 550, enhanced: '5.1.1', lines: ['5.1.1 <x>: no'] }]);
  // A code with nothing after it is a whole reply too ("250").
  expect(replies('250')).toEqual([{ code: 250, enhanced: null, lines: [''] }]);
  // A continuation of another code starts afresh.
  expect(replies('250-a', '550 b')).toEqual([{ code: 550, enhanced: null, lines: ['b'] }]);
  // A flood of continuations is kept bounded.
  const long = replies(...Array.from({ length: 1000 }, (_, i) => `250-line ${i}`), '250 end');
  expect(long[0]!.lines.length).toBeLessThanOrEqual(64);
});

test('explanations: the basic code, the enhanced one, the next step; nothing for plain success', () => {
  expect(explainReply(replies('250 2.0.0 Ok')[0]!)).toBeNull();
  expect(explainReply(replies('220 mail ESMTP')[0]!)).toBeNull();
  expect(explainReply(replies('354 End data with <CR><LF>.<CR><LF>')[0]!)).toMatch(/^354: send the message\. Next: headers, an empty line, the body, then a line with a single "\."/);
  expect(explainReply(replies('552 5.3.4 Message size exceeds fixed limit')[0]!)).toMatch(/5\.3\.4: the message is too big for this server\. Next: see the SIZE limit/);
  expect(explainReply(replies('535 5.7.8 Error: authentication failed')[0]!)).toMatch(/535 \(permanent\): authentication failed.*5\.7\.8: the credentials are not valid/);
  expect(explainReply(replies('550 5.7.26 Unauthenticated email is not accepted')[0]!)).toMatch(/DMARC/);
  // An unknown code still gets its class.
  expect(explainReply(replies('599 weird')[0]!)).toBe('599: permanent failure.');
});

test('an EHLO reply in words; a multi-line 250 without keywords is no EHLO reply', () => {
  expect(ehloCapabilities(replies('250-mail', '250-SMTPUTF8', '250-CHUNKING', '250-XCLIENT NAME', '250 SIZE')[0]!)).toBe('The server offers: no fixed size limit, UTF-8 addresses, chunking (BDAT), XCLIENT.');
  expect(ehloCapabilities(replies('250-one', '250 two')[0]!)).toBeNull();
  expect(ehloCapabilities(replies('250 mail')[0]!)).toBeNull();
});

test('which helper: the port, then the banner; names as people write them', () => {
  expect(protoForPort(587)).toBe('smtp');
  expect(protoForPort(8443)).toBe('http');
  expect(protoForPort(995)).toBe('pop3');
  expect(protoForPort(2600)).toBeNull();
  expect(protoForBanner('220 mx.example ESMTP Postfix')).toBe('smtp');
  expect(protoForBanner('220 ProFTPD ready')).toBeNull();
  expect(protoForBanner('+OK Dovecot ready.')).toBe('pop3');
  expect(protoForBanner('* OK [CAPABILITY IMAP4rev1] ready')).toBe('imap');
  expect(parseProto('POP')).toBe('pop3');
  expect(parseProto('raw')).toBe('none');
  expect(parseProto('gopher')).toBeNull();
});
