import { afterUpgrade, detectProtocol, MAX_LINE, parseStartTlsProtocol, StartTlsDialogue, unknownProtocol, type StartTlsProtocol } from '../../src/core/starttls.js';

/** Feeds the server's lines to a fresh dialogue; returns what was sent and how it ended. */
function converse(protocol: StartTlsProtocol, server: string[], opts: { full?: boolean } = {}) {
  const d = new StartTlsDialogue(protocol, { full: opts.full ?? true, ehloName: 'me.test' });
  const sent = [...d.start()];
  let result = null as ReturnType<StartTlsDialogue['line']>['result'];
  let cutAfter: number | null = null;
  server.forEach((line, i) => {
    if (result) return;
    const step = d.line(line);
    sent.push(...step.send);
    result = step.result;
    if (result?.go) cutAfter = i;
  });
  return { sent, result, cutAfter };
}

describe('SMTP', () => {
  test('greeting, EHLO, STARTTLS offered in a multi-line reply, the go-ahead: cut after its line', () => {
    const r = converse('smtp', ['220-mail.test ESMTP', '220 second greeting line', '250-mail.test', '250-PIPELINING', '250-STARTTLS', '250 8BITMIME', '220 2.0.0 Ready to start TLS', 'INJECTED']);
    expect(r.sent).toEqual(['EHLO me.test\r\n', 'STARTTLS\r\n']);
    expect(r.result).toEqual({ go: true });
    // The line after the go-ahead is never fed: the stream is cut there.
    expect(r.cutAfter).toBe(6);
  });

  test('a server that does not offer STARTTLS is a clear failure, naming what it offers', () => {
    const r = converse('smtp', ['220 mail.test ESMTP', '250-mail.test', '250 8BITMIME']);
    expect(r.sent).toEqual(['EHLO me.test\r\n']);
    expect(r.result).toMatchObject({ go: false, failure: { kind: 'tls-failure', code: 'PH_STARTTLS_NOT_OFFERED', exit: 8 } });
    const failure = (r.result as { failure: { meaning: string; next: string } }).failure;
    expect(failure.meaning).toContain('250-mail.test / 250 8BITMIME');
    expect(failure.next).toMatch(/465/);
  });

  test('a refusal of STARTTLS says the server\'s words', () => {
    const r = converse('smtp', ['220 mail.test ESMTP', '250-mail.test', '250 STARTTLS', '454 4.7.0 TLS not available due to local problem']);
    expect(r.result).toMatchObject({ go: false, failure: { code: 'PH_STARTTLS_REFUSED' } });
    expect((r.result as { failure: { meaning: string } }).failure.meaning).toContain('454 4.7.0 TLS not available');
  });

  test('a greeting that is no SMTP greeting (554, or another protocol) stops before anything is sent', () => {
    expect(converse('smtp', ['554 5.7.1 go away']).result).toMatchObject({ failure: { code: 'PH_STARTTLS_BAD_GREETING' } });
    const ssh = converse('smtp', ['SSH-2.0-OpenSSH_9.2']);
    expect(ssh.sent).toEqual([]);
    expect(ssh.result).toMatchObject({ failure: { code: 'PH_STARTTLS_BAD_GREETING' } });
  });

  test('mid-session (`starttls` in the prompt): the command alone, then its go-ahead', () => {
    const r = converse('smtp', ['220 2.0.0 Ready to start TLS'], { full: false });
    expect(r.sent).toEqual(['STARTTLS\r\n']);
    expect(r.result).toEqual({ go: true });
  });

  test('a line longer than any reply fails the dialogue', () => {
    expect(converse('smtp', ['x'.repeat(MAX_LINE + 1)]).result).toMatchObject({ failure: { code: 'PH_STARTTLS_TOO_LONG' } });
  });

  test('over TLS, SMTP must say EHLO again: said, and offered', () => {
    expect(afterUpgrade('smtp', 'me.test')).toEqual({ note: expect.stringMatching(/send EHLO again/), offer: 'EHLO me.test' });
    expect(afterUpgrade('pop3', 'me.test').offer).toBeNull();
  });
});

describe('POP3, IMAP, FTP', () => {
  test('POP3: CAPA lists STLS, then +OK is the go-ahead', () => {
    const r = converse('pop3', ['+OK dovecot ready.', '+OK', 'CAPA', 'TOP', 'STLS', 'USER', '.', '+OK Begin TLS negotiation now.']);
    expect(r.sent).toEqual(['CAPA\r\n', 'STLS\r\n']);
    expect(r.result).toEqual({ go: true });
  });

  test('POP3: a server without CAPA is asked for STLS anyway; one that lists no STLS is told apart', () => {
    const r = converse('pop3', ['+OK ready', '-ERR unknown command', '-ERR STLS not available']);
    expect(r.sent).toEqual(['CAPA\r\n', 'STLS\r\n']);
    expect(r.result).toMatchObject({ failure: { code: 'PH_STARTTLS_REFUSED' } });
    expect(converse('pop3', ['+OK ready', '+OK', 'USER', '.']).result).toMatchObject({ failure: { code: 'PH_STARTTLS_NOT_OFFERED' } });
  });

  test('IMAP: tagged commands; untagged lines before the tagged answer are not the go-ahead', () => {
    const r = converse('imap', ['* OK [CAPABILITY IMAP4rev1] ready', '* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED', 'ph1 OK done', '* NOTE something', 'ph2 OK Begin TLS negotiation now']);
    expect(r.sent).toEqual(['ph1 CAPABILITY\r\n', 'ph2 STARTTLS\r\n']);
    expect(r.result).toEqual({ go: true });
    expect(r.cutAfter).toBe(4);
    expect(converse('imap', ['* OK ready', '* CAPABILITY IMAP4rev1', 'ph1 OK done']).result).toMatchObject({ failure: { code: 'PH_STARTTLS_NOT_OFFERED' } });
    expect(converse('imap', ['* OK ready', '* CAPABILITY IMAP4rev1 STARTTLS', 'ph1 OK done', 'ph2 BAD not now']).result).toMatchObject({ failure: { code: 'PH_STARTTLS_REFUSED' } });
    expect(converse('imap', ['* BYE too many connections']).result).toMatchObject({ failure: { code: 'PH_STARTTLS_BAD_GREETING' } });
  });

  test('FTP: AUTH TLS right after the greeting, 234 goes ahead', () => {
    const r = converse('ftp', ['220-Welcome', '220 (vsFTPd 3.0.3)', '234 Proceed with negotiation.']);
    expect(r.sent).toEqual(['AUTH TLS\r\n']);
    expect(r.result).toEqual({ go: true });
    expect(converse('ftp', ['220 ready', '530 Please login with USER and PASS.']).result).toMatchObject({ failure: { code: 'PH_STARTTLS_REFUSED' } });
  });
});

test('the server ending the dialogue, or not answering, is said for what it is', () => {
  const d = new StartTlsDialogue('smtp', { full: true, ehloName: 'me' });
  d.line('220 mail.test ESMTP');
  expect(d.ended('closed')).toMatchObject({ code: 'PH_STARTTLS_CLOSED', exit: 8 });
  const t = new StartTlsDialogue('imap', { full: true, ehloName: 'me' });
  expect(t.ended('timeout', '10 s').label).toBe('STARTTLS timed out after 10 s: the IMAP server did not answer');
});

test('auto: the port first, then the greeting', () => {
  expect(detectProtocol(25, null)).toBe('smtp');
  expect(detectProtocol(587, null)).toBe('smtp');
  expect(detectProtocol(110, null)).toBe('pop3');
  expect(detectProtocol(143, null)).toBe('imap');
  expect(detectProtocol(21, null)).toBe('ftp');
  expect(detectProtocol(2600, '220 lab ESMTP ready')).toBe('smtp');
  expect(detectProtocol(2600, '220 ProFTPD Server ready')).toBe('ftp');
  expect(detectProtocol(2600, '+OK POP3 ready')).toBe('pop3');
  expect(detectProtocol(2600, '* OK IMAP4rev1 ready')).toBe('imap');
  expect(detectProtocol(2600, 'SSH-2.0-x')).toBeNull();
  expect(unknownProtocol(2600, 'SSH-2.0-x')).toMatchObject({ code: 'PH_STARTTLS_UNKNOWN_PROTOCOL', exit: 8 });
  expect(parseStartTlsProtocol('POP')).toBe('pop3');
  expect(parseStartTlsProtocol('xmpp')).toBeNull();
});
