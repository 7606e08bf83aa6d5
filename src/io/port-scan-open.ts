// A port the range scanner found open: its connected handle made a net.Socket, then the probe's
// banner wait, as probe mode does for a port connect() opened. Loaded with the first open port.

import net from 'node:net';
import type { Clock } from '../core/clock.js';
import type { Attempt } from '../core/outcome.js';
import type { ProbeResult } from '../core/report.js';
import { watchBanner } from './banner.js';
import type { TcpHandle } from './tcp-binding.js';
import type { ScanTarget } from './port-scan.js';
import type { ResolvedAddress } from './resolver.js';
import { Connection } from './session.js';
import { TcpTransport } from './transport.js';

/** A port that connected: a Socket over its handle, the banner wait, and its result. */
export async function probeConnected(
  handle: TcpHandle,
  readable: boolean,
  writable: boolean,
  t: ScanTarget,
  i: number,
  addr: ResolvedAddress,
  ms: number,
  attempts: Attempt[],
  clock: Clock,
): Promise<ProbeResult> {
  handle.setNoDelay?.(true);
  // As fast-dial hands a connected handle over: the same options as tcpDial.
  const socket = new net.Socket({ handle, readable, writable, allowHalfOpen: true } as net.SocketConstructorOpts);
  const c = new Connection(new TcpTransport(socket), clock, ms, addr);
  const { outcome, banner } = await watchBanner(c, t.bannerWaitMs, t.encoding, clock);
  return {
    name: t.name,
    host: t.host,
    port: t.ports[i - t.first]!,
    address: addr.address,
    family: addr.family,
    outcome,
    ms,
    banner,
    bannerAwaited: t.bannerWaitMs > 0,
    attempts,
    resolveMs: i === t.first ? t.resolveMs : 0,
    tls: null,
  };
}
