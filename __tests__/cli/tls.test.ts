// Implicit TLS end to end: the built CLI against `openssl s_server` on 127.0.0.1, with
// certificates the test makes (a root, an intermediate, and leaves good and bad).
import { execFileSync } from 'node:child_process';
import { LAB_CA, startLab, type Lab } from '../../src/lab/lab.js';
import { runCli } from '../helpers/cli.js';
import { makePki, opensslMissing, sServer, type Pki, type SServer } from '../helpers/pki.js';
import { describeRequiring } from '../helpers/prerequisite.js';
import { serve, type Fixture } from '../helpers/servers.js';

describeRequiring(opensslMissing(), 'implicit TLS against openssl s_server', () => {
  let pki: Pki;
  const servers: SServer[] = [];
  const fixtures: Fixture[] = [];
  beforeAll(() => {
    pki = makePki();
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await Promise.all(fixtures.map((f) => f.close()));
    pki?.cleanup();
  });
  const server = async (args: string[]) => {
    const s = await sServer(args, pki.dir);
    servers.push(s);
    return s;
  };
  const probe = async (port: number, ...extra: string[]) => {
    const r = await runCli(['-z', '--json', '--tls', '--banner-wait', '0.3', ...extra, '127.0.0.1', String(port)]);
    return { ...r, rec: r.stdout ? JSON.parse(r.stdout) : null };
  };

  test('a good chain from a CA given with --ca: open, verified, and the whole chain in the JSON', async () => {
    const s = await server(['-cert', pki.leaf, '-key', pki.leafKey, '-cert_chain', pki.intermediate]);
    const { code, rec, stdout } = await probe(s.port, '--ca', pki.rootCa);
    expect(code).toBe(0);
    expect(rec.outcome).toBe('open');
    expect(rec.tls).toMatchObject({ verified: true, insecure: false, errors: [], version: 'TLSv1.3' });
    expect(rec.tls.cipher).toMatch(/^TLS_/);
    expect(rec.tls.chain.map((c: { subject: string }) => c.subject)).toEqual([
      'CN=localhost, O=porthole tests',
      'CN=porthole test intermediate CA, O=porthole tests',
      'CN=porthole test root CA, O=porthole tests',
    ]);
    const leaf = rec.tls.chain[0];
    expect(leaf).toMatchObject({ issuer: 'CN=porthole test intermediate CA, O=porthole tests', keyType: 'ec', curve: 'prime256v1', signatureAlgorithm: 'ecdsa-with-SHA256' });
    expect(leaf.sans).toEqual(['DNS:localhost', 'IP Address:127.0.0.1']);
    expect(leaf.daysLeft).toBeGreaterThanOrEqual(363);
    expect(leaf.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    // The human line says it too.
    const human = await runCli(['-z', '--tls', '--banner-wait', '0', '--ca', pki.rootCa, '127.0.0.1', String(s.port)]);
    expect(human.stdout).toMatch(/open in [\d.]+ ms, TLSv1\.3 TLS_\S+, verified; localhost, issued by porthole test intermediate CA, 36\d days left/);
    expect(stdout).not.toMatch(/\x1b/);
  });

  test('--ca takes a DER file too: the same CA, the same verdict', async () => {
    const s = await server(['-cert', pki.leaf, '-key', pki.leafKey, '-cert_chain', pki.intermediate]);
    const der = `${pki.dir}/root.der`;
    execFileSync('openssl', ['x509', '-in', pki.rootCa, '-outform', 'DER', '-out', der]);
    const { code, rec } = await probe(s.port, '--ca', der);
    expect(code).toBe(0);
    expect(rec.tls.verified).toBe(true);
  });

  test('without --ca the same chain ends in a CA nobody here trusts: exit 8, and the name is still checked', async () => {
    const s = await server(['-cert', pki.wrongName, '-key', pki.wrongNameKey, '-cert_chain', pki.intermediate]);
    const { code, rec } = await probe(s.port);
    expect(code).toBe(8);
    expect(rec.outcome).toBe('tls-failure');
    expect(rec.tls.verified).toBe(false);
    const codes = rec.tls.errors.map((e: { code: string }) => e.code);
    expect(codes).toEqual(['PH_TLS_UNTRUSTED_CA', 'PH_TLS_NAME_MISMATCH']);
    expect(rec.tls.errors[1].words).toMatch(/for mail\.example\.test, smtp\.example\.test, not 127\.0\.0\.1/);
    expect(rec.hint).toMatch(/--ca FILE/);
  });

  test('self-signed: exit 8 and says so; -k goes on, exit 0, with "verified": false and why', async () => {
    const s = await server(['-cert', pki.selfSigned, '-key', pki.selfSignedKey]);
    const refused = await probe(s.port);
    expect(refused.code).toBe(8);
    expect(refused.rec.code).toBe('PH_TLS_SELF_SIGNED');
    expect(refused.rec.label).toMatch(/not trusted: self-signed certificate/);
    const insecure = await probe(s.port, '-k');
    expect(insecure.code).toBe(0);
    expect(insecure.rec.outcome).toBe('open');
    expect(insecure.rec.tls).toMatchObject({ verified: false, insecure: true });
    expect(insecure.rec.tls.errors[0].code).toBe('PH_TLS_SELF_SIGNED');
    const human = await runCli(['-z', '--tls', '-k', '--banner-wait', '0', '127.0.0.1', String(s.port)]);
    expect(human.stdout).toMatch(/open in .*unverified \(--insecure\): self-signed certificate/);
  });

  test('the server leaves out its intermediate: "incomplete chain", the browser-works-here-fails case', async () => {
    const s = await server(['-cert', pki.leaf, '-key', pki.leafKey]);
    const { code, rec } = await probe(s.port, '--ca', pki.rootCa);
    expect(code).toBe(8);
    expect(rec.tls.errors.map((e: { code: string }) => e.code)).toEqual(['PH_TLS_INCOMPLETE_CHAIN']);
    expect(rec.tls.errors[0].words).toMatch(/without the intermediate that issued it \(porthole test intermediate CA\)/);
    expect(rec.tls.errors[0].next).toMatch(/full chain/);
  });

  test('expired and not yet valid: named with their dates', async () => {
    const old = await server(['-cert', pki.expired, '-key', pki.expiredKey, '-cert_chain', pki.intermediate]);
    const a = await probe(old.port, '--ca', pki.rootCa);
    expect(a.code).toBe(8);
    expect(a.rec.tls.errors.map((e: { code: string }) => e.code)).toEqual(['PH_TLS_EXPIRED']);
    expect(a.rec.tls.errors[0].words).toMatch(/expired on 2021-01-01, \d+ days ago/);
    expect(a.rec.tls.chain[0].daysLeft).toBeLessThan(0);
    const future = await server(['-cert', pki.future, '-key', pki.futureKey, '-cert_chain', pki.intermediate]);
    const b = await probe(future.port, '--ca', pki.rootCa);
    expect(b.code).toBe(8);
    expect(b.rec.tls.errors.map((e: { code: string }) => e.code)).toEqual(['PH_TLS_NOT_YET_VALID']);
    expect(b.rec.tls.errors[0].words).toMatch(/not valid before 2040-01-01/);
  });

  test('a name the certificate does not carry, by name and with --servername', async () => {
    const s = await server(['-cert', pki.wrongName, '-key', pki.wrongNameKey, '-cert_chain', pki.intermediate]);
    const byIp = await probe(s.port, '--ca', pki.rootCa);
    expect(byIp.code).toBe(8);
    expect(byIp.rec.tls.errors.map((e: { code: string }) => e.code)).toEqual(['PH_TLS_NAME_MISMATCH']);
    expect(byIp.rec.tls.servername).toBeNull();
    const right = await probe(s.port, '--ca', pki.rootCa, '--servername', 'smtp.example.test');
    expect(right.code).toBe(0);
    expect(right.rec.tls).toMatchObject({ verified: true, servername: 'smtp.example.test' });
  });

  test('a TLS 1.0-only server: no version in common, and --tls-min TLSv1 talks to it', async () => {
    const s = await server(['-cert', pki.leaf, '-key', pki.leafKey, '-cert_chain', pki.intermediate, '-tls1', '-cipher', 'DEFAULT:@SECLEVEL=0']);
    const refused = await probe(s.port, '--ca', pki.rootCa);
    expect(refused.code).toBe(8);
    expect(refused.rec.code).toBe('PH_TLS_VERSION');
    expect(refused.rec.hint).toMatch(/--tls-min TLSv1/);
    const old = await probe(s.port, '--ca', pki.rootCa, '--tls-min', '1.0');
    expect(old.code).toBe(0);
    expect(old.rec.tls.version).toBe('TLSv1');
  });

  test('no cipher in common: a TLS 1.2 server that offers only what porthole does not', async () => {
    const s = await server(['-cert', pki.leaf, '-key', pki.leafKey, '-cert_chain', pki.intermediate, '-tls1_2', '-cipher', 'ECDHE-ECDSA-CAMELLIA256-SHA384']);
    const { code, rec } = await probe(s.port, '--ca', pki.rootCa);
    expect(code).toBe(8);
    expect(rec.code).toBe('PH_TLS_CIPHER');
    expect(rec.label).toBe('TLS handshake failed: no cipher in common');
  });

  test('a client certificate required: said as such, and given with --cert and --key it passes', async () => {
    const s = await server(['-cert', pki.leaf, '-key', pki.leafKey, '-cert_chain', pki.intermediate, '-Verify', '2', '-CAfile', pki.rootCa, '-verify_return_error']);
    const without = await probe(s.port, '--ca', pki.rootCa);
    expect(without.code).toBe(8);
    expect(without.rec.code).toBe('PH_TLS_CLIENT_CERT_REQUIRED');
    expect(without.rec.hint).toMatch(/--cert FILE --key FILE/);
    const chain = `${pki.dir}/client-chain.pem`;
    const withCert = await probe(s.port, '--ca', pki.rootCa, '--cert', chain, '--key', pki.clientKey);
    expect(withCert.code).toBe(0);
  });

  test('a plaintext service on the port: "answered in plain text", and one that waits: the handshake times out', async () => {
    const smtp = await serve((sock) => sock.write('220 mail.test ESMTP\r\n'));
    fixtures.push(smtp);
    const plain = await probe(smtp.port);
    expect(plain.code).toBe(8);
    expect(plain.rec.code).toBe('PH_TLS_PLAINTEXT');
    expect(plain.rec.hint).toMatch(/STARTTLS port/);
    const silent = await serve(() => {});
    fixtures.push(silent);
    const t0 = Date.now();
    const waits = await probe(silent.port, '-w', '0.5');
    expect(waits.code).toBe(8);
    expect(waits.rec.code).toBe('PH_TLS_TIMEOUT');
    expect(waits.rec.label).toMatch(/timed out after 0\.5 s/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  test('pipe mode: the bytes alone on stdout, the handshake on stderr with -v', async () => {
    const s = await server(['-cert', pki.leaf, '-key', pki.leafKey, '-cert_chain', pki.intermediate, '-rev']);
    const r = await runCli(['--tls', '--ca', pki.rootCa, '-v', '127.0.0.1', String(s.port)], { input: 'porthole\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('elohtrop\n');
    expect(r.stderr).toMatch(/TLSv1\.3 TLS_\S+, no SNI: verified/);
    expect(r.stderr).toMatch(/0\. leaf: CN=localhost, O=porthole tests/);
    const refused = await runCli(['--tls', '127.0.0.1', String(s.port)], { input: 'x\n' });
    expect(refused.code).toBe(8);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/TLS certificate not trusted: certificate from an untrusted CA/);
  });

  test('bad TLS options are usage errors: one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--tls', '--key', pki.leafKey, '127.0.0.1', '1'], /--key needs --cert/],
      [['--tls', '--ca', `${pki.dir}/nothing.pem`, '127.0.0.1', '1'], /--ca: cannot read .*nothing\.pem \(ENOENT\)/],
      [['--tls', '--ca', pki.leafKey, '127.0.0.1', '1'], /--ca: .* holds no certificate/],
      [['--tls', '--tls-min', '1.3', '--tls-max', '1.2', '127.0.0.1', '1'], /--tls-min TLSv1\.3 is above --tls-max TLSv1\.2/],
      [['--tls', '--tls-min', 'SSLv3', '127.0.0.1', '1'], /--tls-min needs a TLS version/],
    ];
    for (const [args, words] of cases) {
      const r = await runCli(args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(words);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  test('a certificate field with controls, C1 and a bidi override reaches neither the terminal nor the JSON raw', async () => {
    const hostile = await hostileCert(pki);
    const s = await server(['-cert', hostile.cert, '-key', hostile.key]);
    const human = await runCli(['-z', '--tls', '-k', '--banner-wait', '0', '127.0.0.1', String(s.port)]);
    expect(human.code).toBe(0);
    // OpenSSL escapes C0 in names itself (\1B); what it passes as UTF-8 is ours to mark.
    expect(human.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202e]/u);
    expect(human.stdout).toMatch(/<U\+202E>/);
    expect(human.stdout).toMatch(/<U\+009B>/);
    const json = await runCli(['-z', '--json', '--tls', '-k', '--banner-wait', '0', '127.0.0.1', String(s.port)]);
    expect(json.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202e]/u);
    expect(JSON.parse(json.stdout).tls.chain[0].subject).toMatch(/\u202e/);
  });
});

/** A self-signed certificate whose CN carries an OSC title sequence. */
async function hostileCert(pki: Pki): Promise<{ cert: string; key: string }> {
  const { execFileSync } = await import('node:child_process');
  const cert = `${pki.dir}/hostile.pem`;
  const key = `${pki.dir}/hostile.key`;
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-utf8', '-subj', '/CN=evil\x1b]0;owned\x07\u009b31m\u202eatad.test'], { stdio: 'ignore' });
  return { cert, key };
}


describe('STARTTLS against the lab', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ only: ['smtp', 'pop3', 'imap', 'http'] });
  });
  afterAll(() => lab.close());

  test('probe --starttls auto: each protocol told from its greeting, upgraded and verified with the lab CA', async () => {
    for (const [name, greeting] of [
      ['smtp', /^220 lab\.porthole\.test ESMTP/],
      ['pop3', /^\+OK Porthole Lab POP3 ready/],
      ['imap', /^\* OK \[CAPABILITY IMAP4rev1 ID UNSELECT STARTTLS\]/],
    ] as const) {
      const r = await runCli(['-z', '--json', '--starttls', 'auto', '--ca', LAB_CA, '127.0.0.1', String(lab.ports[name])]);
      expect({ name, code: r.code }).toEqual({ name, code: 0 });
      const rec = JSON.parse(r.stdout);
      expect(rec.banner).toMatch(greeting);
      expect(rec.tls).toMatchObject({ verified: true, version: 'TLSv1.3' });
      expect(rec.tls.chain[0].subject).toBe('CN=lab.porthole.test, O=porthole lab');
    }
  });

  test('a service without STARTTLS (HTTP): a clear failure, exit 8, no hang', async () => {
    const r = await runCli(['-z', '--starttls', 'smtp', '-w', '2', '127.0.0.1', String(lab.ports.http)]);
    expect(r.code).toBe(8);
    expect(r.stdout).toMatch(/STARTTLS (timed out|not possible)/);
    expect(r.ms).toBeLessThan(6000);
  });

  test('pipe --starttls smtp: the plaintext dialogue stays off stdout, the mail goes over TLS and is received with ESMTPS', async () => {
    const mail = 'EHLO me.test\r\nMAIL FROM:<me@example.test>\r\nRCPT TO:<alice@lab.porthole.test>\r\nDATA\r\nSubject: starttls\r\n\r\nover TLS\r\n.\r\nQUIT\r\n';
    const r = await runCli(['--starttls', 'smtp', '--ca', LAB_CA, '-C', '127.0.0.1', String(lab.ports.smtp)], { input: mail.replace(/\r\n/g, '\n') });
    expect(r.code).toBe(0);
    // Only what came over TLS: the EHLO reply without STARTTLS, the delivery, the goodbye.
    expect(r.stdout).not.toMatch(/^220 lab\.porthole\.test ESMTP/m);
    expect(r.stdout).not.toMatch(/STARTTLS/);
    expect(r.stdout).toMatch(/250 2\.0\.0 Ok: queued as \w+\r\n221 2\.0\.0 Bye/);
    const pop = await runCli(['127.0.0.1', String(lab.ports.pop3)], { input: 'USER alice\r\nPASS wonderland\r\nLIST\r\nQUIT\r\n' });
    const count = Number(/\+OK (\d+) messages/.exec(pop.stdout)?.[1]);
    const retr = await runCli(['127.0.0.1', String(lab.ports.pop3)], { input: `USER alice\r\nPASS wonderland\r\nRETR ${count}\r\nQUIT\r\n` });
    expect(retr.stdout).toMatch(/with ESMTPS id/);
    expect(retr.stdout).toMatch(/Subject: starttls/);
  });
});
