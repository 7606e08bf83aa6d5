// A port the range scanner found open: its connected handle made a net.Socket, then the probe's
// banner wait, as probe mode does for a port connect() opened: the range scanner's `banner` hook.

import net from 'node:net';
import { watchBanner } from './banner.js';
import { scanResult, type BannerProbe } from './port-scan.js';
import { Connection } from './session.js';
import { TcpTransport } from './transport.js';

/** A port that connected: a Socket over its handle, the banner wait, and its result. */
export const probeConnected: BannerProbe = async (handle, readable, writable, t, i, addr, ms, attempts, clock) => {
  handle.setNoDelay?.(true);
  // As fast-dial hands a connected handle over: the same options as tcpDial.
  const socket = new net.Socket({ handle, readable, writable, allowHalfOpen: true } as net.SocketConstructorOpts);
  const c = new Connection(new TcpTransport(socket), clock, ms, addr);
  const { outcome, banner } = await watchBanner(c, t.bannerWaitMs, t.encoding, clock);
  return scanResult(t, i, { address: addr.address, family: addr.family, outcome, ms, attempts, banner });
};
