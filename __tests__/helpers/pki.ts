// Certificates a test makes for itself with the openssl command line: a root CA, an intermediate,
// and leaves that are good, expired, not yet valid, for the wrong name, self-signed, and a client
// certificate. Everything lives in a temporary directory; nothing is trusted beyond the test.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

/** Why the suite cannot run (openssl missing), or null. */
export function opensslMissing(): string | null {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'openssl is not installed (Debian: apt-get install openssl)';
  }
}

export interface Pki {
  dir: string;
  /** PEM files. */
  rootCa: string;
  intermediate: string;
  /** leaf for localhost and 127.0.0.1, issued by the intermediate; its key, and leaf + intermediate. */
  leaf: string;
  leafKey: string;
  leafChain: string;
  expired: string;
  expiredKey: string;
  expiredChain: string;
  future: string;
  futureKey: string;
  futureChain: string;
  wrongName: string;
  wrongNameKey: string;
  wrongNameChain: string;
  selfSigned: string;
  selfSignedKey: string;
  client: string;
  clientKey: string;
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const CA_CONFIG = `
[ ca ]
default_ca = test_ca
[ test_ca ]
dir = .
database = $dir/index-$ENV::CA_NAME.txt
new_certs_dir = $dir/issued
serial = $dir/serial-$ENV::CA_NAME
default_md = sha256
policy = any
unique_subject = no
copy_extensions = copy
[ any ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_leaf ]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = $ENV::SAN
# As a public CA's leaves have it: where the intermediate can be fetched.
authorityInfoAccess = caIssuers;URI:http://ca.porthole.test/intermediate.crt
`;

export function makePki(): Pki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'porthole-pki-'));
  fs.writeFileSync(path.join(dir, 'ca.cnf'), CA_CONFIG);
  fs.mkdirSync(path.join(dir, 'issued'));
  const env = (name: string, san = 'DNS:unused') => ({ ...process.env, CA_NAME: name, SAN: san });
  const run = (args: string[], e: NodeJS.ProcessEnv) => execFileSync('openssl', args, { cwd: dir, env: e, stdio: ['ignore', 'ignore', 'pipe'] });
  const key = (name: string) => openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`]);
  const csr = (name: string, cn: string) => openssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${cn}/O=porthole tests`, '-out', `${name}.csr`]);
  const db = (ca: string) => {
    fs.writeFileSync(path.join(dir, `index-${ca}.txt`), '');
    fs.writeFileSync(path.join(dir, `serial-${ca}`), '1000\n');
  };

  // The root: self-signed, ten years.
  key('root');
  run(['req', '-x509', '-new', '-key', 'root.key', '-subj', '/CN=porthole test root CA/O=porthole tests', '-days', '3650', '-config', 'ca.cnf', '-extensions', 'v3_ca', '-out', 'root.pem'], env('root'));
  db('root');
  db('inter');
  // The intermediate, signed by the root.
  key('inter');
  csr('inter', 'porthole test intermediate CA');
  run(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'root.pem', '-keyfile', 'root.key', '-extensions', 'v3_ca', '-days', '3650', '-in', 'inter.csr', '-out', 'inter.pem', '-notext'], env('root'));

  const leaf = (name: string, cn: string, san: string, dates: string[]) => {
    key(name);
    csr(name, cn);
    run(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'inter.pem', '-keyfile', 'inter.key', '-extensions', 'v3_leaf', ...dates, '-in', `${name}.csr`, '-out', `${name}.pem`, '-notext'], env('inter', san));
    fs.writeFileSync(path.join(dir, `${name}-chain.pem`), fs.readFileSync(path.join(dir, `${name}.pem`), 'utf8') + fs.readFileSync(path.join(dir, 'inter.pem'), 'utf8'));
  };
  leaf('leaf', 'localhost', 'DNS:localhost, IP:127.0.0.1', ['-days', '365']);
  leaf('expired', 'localhost', 'DNS:localhost, IP:127.0.0.1', ['-startdate', '20200101000000Z', '-enddate', '20210101000000Z']);
  leaf('future', 'localhost', 'DNS:localhost, IP:127.0.0.1', ['-startdate', '20400101000000Z', '-enddate', '20410101000000Z']);
  leaf('wrong', 'mail.example.test', 'DNS:mail.example.test, DNS:smtp.example.test', ['-days', '365']);
  leaf('client', 'porthole client', 'DNS:client.test', ['-days', '365']);
  // Self-signed, with the right name: only the trust is wrong.
  key('self');
  run(['req', '-x509', '-new', '-key', 'self.key', '-subj', '/CN=localhost', '-days', '365', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-out', 'self.pem'], env('self'));

  const p = (f: string) => path.join(dir, f);
  return {
    dir,
    rootCa: p('root.pem'),
    intermediate: p('inter.pem'),
    leaf: p('leaf.pem'),
    leafKey: p('leaf.key'),
    leafChain: p('leaf-chain.pem'),
    expired: p('expired.pem'),
    expiredKey: p('expired.key'),
    expiredChain: p('expired-chain.pem'),
    future: p('future.pem'),
    futureKey: p('future.key'),
    futureChain: p('future-chain.pem'),
    wrongName: p('wrong.pem'),
    wrongNameKey: p('wrong.key'),
    wrongNameChain: p('wrong-chain.pem'),
    selfSigned: p('self.pem'),
    selfSignedKey: p('self.key'),
    client: p('client.pem'),
    clientKey: p('client.key'),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export interface SServer {
  port: number;
  proc: ChildProcess;
  stop(): Promise<void>;
}

/** A free port on 127.0.0.1 (bound, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** `openssl s_server` on 127.0.0.1 with these arguments (after -accept), ready when it listens. */
export async function sServer(args: string[], cwd: string): Promise<SServer> {
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    const proc = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-naccept', '1000', '-quiet', ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    proc.stderr!.on('data', (d) => (err += d));
    proc.stdout!.resume();
    const ready = await waitListening(port, proc);
    if (ready) {
      return {
        port,
        proc,
        stop: () =>
          new Promise((done) => {
            if (proc.exitCode !== null) return done();
            proc.once('exit', () => done());
            proc.kill('SIGTERM');
          }),
      };
    }
    proc.kill('SIGKILL');
    if (tries >= 3) throw new Error(`openssl s_server did not start: ${err}`);
  }
}

async function waitListening(port: number, proc: ChildProcess): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) return false;
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
