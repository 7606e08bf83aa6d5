// Name resolution through the system resolver (getaddrinfo, as telnet and nc use), every address
// of the asked families in the resolver's own order.

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export type Family = 4 | 6;

export interface ResolvedAddress {
  address: string;
  family: Family;
}

/** Resolve `host` to addresses; `family` 0 means both. Rejects with Node's DNS errors. */
export type Resolver = (host: string, family: 0 | Family) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (host, family) => {
  // An address literal needs no resolver; scoped IPv6 ("fe80::1%eth0") included.
  const literal = isIP(host.split('%')[0]!);
  if (literal) return [{ address: host, family: literal as Family }];
  const found = await lookup(host, { all: true, family, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family as Family }));
};
