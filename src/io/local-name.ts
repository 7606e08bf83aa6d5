// This machine's name as SMTP wants it after EHLO, and in a Message-ID: the host name when it is a
// valid domain name, else localhost.

import os from 'node:os';

/** The name we give in EHLO: this machine's, as swaks does, if it is one a server accepts. */
export function localName(): string {
  const name = os.hostname();
  return /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(name) ? name : 'localhost';
}
