// A transcript file as a test reads it: every line must begin with its time of day (that is the
// file's promise), and what follows the stamp is what the assertions look at.

import fs from 'node:fs';

const STAMP = /^\d\d:\d\d:\d\d\.\d{3} /;

/** The file's lines without their stamps; throws if a line has none. */
export function readTranscript(file: string): string {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const last = lines.pop();
  if (last !== '' && last !== undefined) lines.push(last);
  return lines
    .map((line) => {
      if (!STAMP.test(line)) throw new Error(`a transcript line without its time: ${JSON.stringify(line)}`);
      return line.replace(STAMP, '');
    })
    .join('\n') + (last === '' ? '\n' : '');
}
