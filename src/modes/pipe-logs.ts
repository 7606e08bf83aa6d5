// The files a pipe can keep beside its stdout: --log (the transcript, as a session writes it) and
// --json-log (an object a line for each event and every byte). stdout stays the data alone; these
// say what crossed and when, for the script's author after the fact.

import { createDecoder, type Decoder } from '../core/codec.js';
import { dataRecord, eventRecord } from '../core/json-log.js';
import { LineAssembler } from '../core/line-assembler.js';
import { hint, safeJson } from '../core/report.js';
import type { ConnectionAction } from '../core/session/state.js';
import { Transcript } from '../core/transcript.js';
import { formatHostPort } from '../core/target.js';
import { localStampClock } from '../io/clock.js';
import { openFlagFile, openJsonLog, type LogFile } from '../io/log-file.js';

export interface PipeLogFiles {
  log: string | null;
  jsonLog: string | null;
}

/** A pipe's transcript: the wire's data (after telnet's filter) as lines, each direction its own. */
class PipeTranscript {
  private readonly t: Transcript;
  private readonly lines = { in: new LineAssembler(), out: new LineAssembler() };
  private readonly text: { in: Decoder; out: Decoder };

  constructor(
    private readonly file: LogFile,
    encoding: string,
    where: string,
  ) {
    this.t = new Transcript((text, stamp) => file.write(text, stamp), localStampClock());
    this.text = { in: createDecoder(encoding), out: createDecoder(encoding) };
    this.t.header(`${where} (pipe)`);
  }

  data(dir: 'in' | 'out', bytes: Uint8Array): void {
    this.lines[dir].push(this.text[dir].write(bytes), this.t.sink(dir));
  }

  note(text: string): void {
    this.t.note(text);
  }

  line(dir: 'in' | 'out', text: string): void {
    this.t.text(dir, text);
    this.t.end(dir, 'crlf');
  }

  tls(on: boolean): void {
    this.t.setTls(on);
  }

  end(): void {
    for (const dir of ['in', 'out'] as const) {
      const tail = this.text[dir].end();
      if (tail) this.lines[dir].push(tail, this.t.sink(dir));
      this.lines[dir].flush(this.t.sink(dir));
    }
    this.t.flush();
    this.file.end();
  }
}

/** What the pipe tells its logs; every call is nothing when neither file was asked for. */
export class PipeLogs {
  private readonly transcript: PipeTranscript | null;
  private readonly json: LogFile | null;

  constructor(files: PipeLogFiles, host: string, private readonly port: number, encoding: string | null, say: (line: string) => void) {
    this.json = openJsonLog(files.jsonLog, say);
    const file = openFlagFile(files.log, '--log', 'no transcript', say);
    this.transcript = file ? new PipeTranscript(file, encoding ?? 'utf-8', formatHostPort(host, port)) : null;
  }

  /** Whether the wire's bytes are wanted (the JSON log): else the pipe sets no tap for them. */
  get wantsWire(): boolean {
    return this.json !== null;
  }

  /** Whether the data is wanted (the transcript): else the pipe hands none over. */
  get wantsData(): boolean {
    return this.transcript !== null;
  }

  /** Bytes as they crossed the wire (the capture taps' view): the JSON log's data records. */
  wire(dir: 'in' | 'out', bytes: Uint8Array): void {
    this.json?.write(`${JSON.stringify(dataRecord(dir, bytes, Date.now()))}\n`);
  }

  /** The data itself (telnet's negotiation taken out): the transcript's lines. */
  data(dir: 'in' | 'out', bytes: Uint8Array): void {
    if (bytes.length > 0) this.transcript?.data(dir, bytes);
  }

  /** A connection event, in the session's words: a JSON record, and a note in the transcript. */
  event(action: ConnectionAction): void {
    if (this.json) {
      const record = eventRecord(action, Date.now());
      // A certificate's fields and the outcomes' words may hold what no terminal should get.
      if (record) this.json.write(`${safeJson(record)}\n`);
    }
    const t = this.transcript;
    if (!t) return;
    switch (action.type) {
      case 'connected':
        t.tls(action.tls !== null);
        t.note(`Connected to ${action.address} port ${this.port} in ${action.connectMs.toFixed(1)} ms.`);
        break;
      case 'failed':
        t.note(`${action.outcome.label}. ${hint(action.outcome)}`);
        break;
      case 'tls-up':
        t.tls(true);
        t.note(`TLS is up (STARTTLS${action.protocol ? ` ${action.protocol}` : ''})${action.discarded > 0 ? `; ${action.discarded} bytes sent after the go-ahead were discarded` : ''}.`);
        break;
      case 'starttls-failed':
        t.note(`STARTTLS failed: ${action.outcome.label}.`);
        break;
      case 'peer-eof':
        t.note('The peer stopped sending (FIN).');
        break;
      case 'closed':
        t.note(action.outcome ? `${action.outcome.label}.` : 'Connection closed.');
        break;
      default:
        break;
    }
  }

  /** A whole line of a dialogue of ours (STARTTLS), ended CRLF as the protocols end theirs. */
  line(dir: 'in' | 'out', text: string): void {
    this.transcript?.line(dir, text);
  }

  /** A line of the pipe's own (an idle -w, a stdout gone). */
  note(text: string): void {
    this.transcript?.note(text);
  }

  end(): void {
    this.transcript?.end();
    this.json?.end();
  }
}
