// A TCP dial for a probe's connect() (the watch's checks; a probe that mixes TLS and plain
// targets): libuv's TCP handle connected directly, as node:net does inside, and made a net.Socket
// only once it is connected, so a refused port costs a handle and a request, not a Socket with its
// streams, emitters and an Error with a stack. (A plain range goes to io/port-scan, leaner still.)
// The binding is Node's own and internal (process.binding is deprecated in the documentation
// only); where it is missing or differs, the probe uses tcpDial.

import net from 'node:net';
import { getSystemErrorName } from 'node:util';
import { tcpBinding } from './tcp-binding.js';
import { tcpDial, TcpTransport, type Dial } from './transport.js';

/** The fast dial, or tcpDial where the binding is not as expected (or readBuffers are asked for). */
export function probeDial(): Dial {
  const b = tcpBinding();
  if (!b) return tcpDial;
  return (target, done) => {
    if (target.readBuffers) return tcpDial(target, done);
    const handle = new b.TCP(b.constants.SOCKET);
    const req = new b.TCPConnectWrap();
    let settled = false;
    const fail = (status: number) => {
      settled = true;
      handle.close();
      // What net's own error would carry for the classifier: the code and the syscall.
      done({ error: { code: getSystemErrorName(status), syscall: 'connect' } });
    };
    req.oncomplete = (status, _h, _r, readable, writable) => {
      if (settled) return;
      if (status < 0) return fail(status);
      settled = true;
      handle.setNoDelay?.(true);
      // net.Socket takes a connected handle as child_process hands sockets over: same options as tcpDial.
      const socket = new net.Socket({ handle, readable, writable, allowHalfOpen: true } as net.SocketConstructorOpts);
      done({ transport: new TcpTransport(socket) });
    };
    req.address = target.address;
    req.port = target.port;
    const status = target.family === 6 ? handle.connect6(req, target.address, target.port) : handle.connect(req, target.address, target.port);
    // An immediate failure (EMFILE, EADDRNOTAVAIL) is reported as net reports it: after this call.
    if (status < 0) queueMicrotask(() => fail(status));
    return () => {
      if (settled) return;
      settled = true;
      handle.close();
    };
  };
}
