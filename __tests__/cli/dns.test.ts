// DNS outcomes through the real system resolver, inside a namespace of the test's own whose only
// resolver is a fake one on its loopback: no query leaves the machine.
import { runCli } from '../helpers/cli.js';
import { createNetns, netnsUnavailable, type Netns } from '../helpers/netns.js';
import { describeRequiring } from '../helpers/prerequisite.js';

describeRequiring(netnsUnavailable(), 'name resolution', () => {
  let ns: Netns;
  beforeAll(async () => {
    ns = await createNetns();
  });
  afterAll(async () => ns?.close());

  test('a resolver that does not answer: exit 3, "Temporary failure in name resolution"', async () => {
    const r = await runCli(['-z', 'mail.example.test', '25'], { prefix: ns.exec });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/Temporary failure in name resolution/);
    expect(r.stdout).toMatch(/resolver did not answer/);
  });

  describe('with a DNS server', () => {
    beforeAll(async () => ns.startDns());

    test('a name that does not exist: exit 3, "Unknown host", no connection attempted', async () => {
      const r = await runCli(['-z', '--json', 'nosuch.example.test', '25'], { prefix: ns.exec });
      expect(r.code).toBe(3);
      const rec = JSON.parse(r.stdout);
      expect(rec).toMatchObject({ outcome: 'dns-not-found', address: null, attempts: [], banner: null });
      expect(rec.hint).toMatch(/dig or nslookup/);
    });

    test('a name that resolves to both families is tried address by address', async () => {
      const r = await runCli(['-z', '--json', '-v', 'www.lab.test', '1'], { prefix: ns.exec });
      expect(r.code).toBe(4);
      const rec = JSON.parse(r.stdout);
      expect(rec.attempts.map((a: { address: string }) => a.address).sort()).toEqual(['127.0.0.1', '::1']);
      expect(r.stderr).toMatch(/Trying ::1\.\.\. connection refused/);
      expect(r.stderr).toMatch(/Trying 127\.0\.0\.1\.\.\. connection refused/);
    });

    test('-4 keeps to IPv4', async () => {
      const r = await runCli(['-z', '--json', '-4', 'www.lab.test', '1'], { prefix: ns.exec });
      expect(JSON.parse(r.stdout).attempts.map((a: { address: string }) => a.address)).toEqual(['127.0.0.1']);
    });
  });
});
