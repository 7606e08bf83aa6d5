// The binary scenario's sample: bytes a terminal would obey if a client passed them through raw,
// each under a plain label, so a client's sanitizer can be exercised and eyeballed.

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** A label line, then the hostile bytes, then CRLF. Sent in this order. */
export const HOSTILE_SECTIONS: readonly { label: string; bytes: Buffer }[] = [
  { label: 'every byte value 0x00-0xff, in order', bytes: ALL_BYTES },
  { label: 'NUL bytes', bytes: latin1('before\0\0\0\0after') },
  { label: 'clear screen and cursor home (CSI 2J, CSI H)', bytes: latin1('\x1b[2J\x1b[H') },
  { label: 'colours that never reset (SGR)', bytes: latin1('\x1b[31;1;5mred bold blink\x1b[8m hidden text') },
  { label: 'window title (OSC 0)', bytes: latin1('\x1b]0;porthole lab owns your title\x07') },
  {
    label: 'clipboard write (OSC 52)',
    bytes: latin1(`\x1b]52;c;${Buffer.from('echo pwned by the porthole lab').toString('base64')}\x07`),
  },
  { label: 'hyperlink (OSC 8)', bytes: latin1('\x1b]8;;http://example.invalid/\x1b\\click me\x1b]8;;\x1b\\') },
  { label: 'terminal reports requested (DSR 6n, window title report 21t, DA c)', bytes: latin1('\x1b[6n\x1b[21t\x1b[c') },
  { label: 'device control string (DCS) and APC', bytes: latin1('\x1bP+q544e\x1b\\\x1b_lab apc\x1b\\') },
  { label: 'alternate screen and mouse tracking on', bytes: latin1('\x1b[?1049h\x1b[?1000h') },
  { label: '8-bit C1 controls: CSI, OSC ... ST, NEL', bytes: latin1('\x9b31m\x9d0;c1 title\x9c\x85') },
  { label: 'C1 CSI encoded as UTF-8 (U+009B)', bytes: utf8('\u009b2J') },
  { label: 'bidi override (U+202E) hiding an extension', bytes: utf8('invoice_\u202efdp.exe') },
  { label: 'zero-width and combining characters', bytes: utf8('pay\u200bpal a\u0301\u0301\u0301') },
  {
    label: 'invalid UTF-8: stray bytes, overlong, surrogate, 5-byte form, lone continuation',
    bytes: latin1('\xff\xfe \xc0\xaf \xed\xa0\x80 \xf8\x88\x80\x80\x80 \x80'),
  },
  { label: 'carriage return overwrite', bytes: latin1('password: hunter2\r**************** (look closer)') },
  { label: 'backspaces', bytes: latin1('rm -rf /\b\b\b\b\b\b\b\bls -l   ') },
  { label: 'bell', bytes: latin1('\x07') },
  { label: 'delete (0x7f) and escape alone', bytes: latin1('a\x7fb\x1bc') },
];

export const HOSTILE_INTRO = latin1(
  'porthole lab binary sample: everything below is hostile on purpose; a client should show it, not obey it.\r\n',
);

/** A multi-byte character cut between two writes: the client must join it, not mangle it. */
export const SPLIT_CHARACTER = {
  label: 'a multi-byte character split across two writes (euro sign, then a grinning face)',
  first: Buffer.from([0xe2, 0x82]),
  second: Buffer.from([0xac, 0x20, 0xf0, 0x9f]),
  third: Buffer.from([0x98, 0x80]),
};

/** Undoes the sticky modes above for anyone watching with a plain nc, then says what comes next. */
export const HOSTILE_OUTRO = latin1('\x1b[0m\x1b[?1000l\x1b[?1049l\r\nporthole lab: end of sample; from now on this port echoes what you send.\r\n');

/** The sample in the writes it goes out as: the split character's pieces end and start them. */
export function hostileWrites(): Buffer[] {
  return [
    Buffer.concat([
      HOSTILE_INTRO,
      ...HOSTILE_SECTIONS.flatMap((s, i) => [latin1(`[${i + 1}] ${s.label}:\r\n`), s.bytes, latin1('\r\n')]),
      latin1(`[${HOSTILE_SECTIONS.length + 1}] ${SPLIT_CHARACTER.label}:\r\n`),
      SPLIT_CHARACTER.first,
    ]),
    SPLIT_CHARACTER.second,
    Buffer.concat([SPLIT_CHARACTER.third, HOSTILE_OUTRO]),
  ];
}

/** The whole sample as a client should receive it. */
export function hostileSample(): Buffer {
  return Buffer.concat(hostileWrites());
}
