import { hexDumpLines } from '../helpers/hex.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('hexDumpRow', () => {
  test('matches hexdump -C for a short line and a partial last row', () => {
    // Both expectations were taken from `printf ... | hexdump -C`.
    expect(hexDumpLines(bytes('Hello world\n'), 0)).toEqual([
      '00000000  48 65 6c 6c 6f 20 77 6f  72 6c 64 0a              |Hello world.|',
    ]);
    expect(hexDumpLines(bytes('Hello world\nHello world\n'), 0)).toEqual([
      '00000000  48 65 6c 6c 6f 20 77 6f  72 6c 64 0a 48 65 6c 6c  |Hello world.Hell|',
      '00000010  6f 20 77 6f 72 6c 64 0a                           |o world.|',
    ]);
  });

  test('the text column shows only printable ASCII', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const rows = hexDumpLines(all, 0);
    expect(rows).toHaveLength(16);
    expect(rows[0]).toBe('00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|');
    expect(rows[2]).toBe('00000020  20 21 22 23 24 25 26 27  28 29 2a 2b 2c 2d 2e 2f  | !"#$%&\'()*+,-./|');
    expect(rows[7]).toBe('00000070  70 71 72 73 74 75 76 77  78 79 7a 7b 7c 7d 7e 7f  |pqrstuvwxyz{|}~.|');
    for (const row of rows.slice(8)) expect(row.slice(row.indexOf('|'))).toBe('|................|');
    for (const row of rows) expect(row).toMatch(/^[\x20-\x7e]*$/);
  });

  test('offsets start where asked and widen past 4 GiB', () => {
    expect(hexDumpLines(bytes('AB'), 0x1234)).toEqual([
      '00001234  41 42                                             |AB|',
    ]);
    expect(hexDumpLines(bytes('A'), 0x1_0000_0010)[0]!.startsWith('100000010  41 ')).toBe(true);
  });

  test('other row lengths group by 8', () => {
    expect(hexDumpLines(bytes('0123456789'), 0, 8)).toEqual([
      '00000000  30 31 32 33 34 35 36 37  |01234567|',
      '00000008  38 39                    |89|',
    ]);
  });

  test('no bytes, no rows', () => {
    expect(hexDumpLines(new Uint8Array(0), 0)).toEqual([]);
  });
});
