// Every error porthole reports on its own behalf (as opposed to what the network did, which is an
// Outcome): one class per family, each with a stable code from one union, so scripts and tests
// match on codes and the words can change.

/** A command line or config value that makes no sense: one line on stderr, exit 2. */
export type UsageCode =
  | 'PH_USAGE'
  | 'PH_NO_HOST'
  | 'PH_BAD_HOST'
  | 'PH_NO_PORT'
  | 'PH_BAD_PORT'
  | 'PH_BAD_RANGE'
  | 'PH_BAD_OPTION'
  | 'PH_BAD_FILE'
  | 'PH_BAD_ENCODING'
  /** A target of several (or a line of -f FILE) that is no HOST:PORT, [v6]:PORT or config target. */
  | 'PH_BAD_TARGET'
  /** The config file does not parse, or holds an unknown key or a bad value: file, line and key said. */
  | 'PH_BAD_CONFIG';

/** A command typed in the Ctrl+] prompt that cannot run: said in the prompt, nothing happens. */
export type CommandCode =
  | 'PH_EMPTY'
  | 'PH_UNKNOWN_COMMAND'
  | 'PH_AMBIGUOUS'
  | 'PH_BAD_ARGUMENT'
  | 'PH_BAD_ENCODING'
  | 'PH_BAD_HOST'
  | 'PH_BAD_PORT'
  /** A composer's field holds a CR, LF or NUL (or is no address, header, path): nothing is sent. */
  | 'PH_BAD_FIELD';

/** Something the session could not do for the user: said in the output pane, the session goes on. */
export type SessionCode =
  /** A transcript file could not be opened or written. */
  | 'PH_LOG_FAILED'
  /** A character the session's encoding has no byte for: the line is not sent. */
  | 'PH_UNENCODABLE'
  /** Typed while nothing could take it: not connected, or our sending side is closed. */
  | 'PH_NOT_SENT'
  /** The send queue for a peer that is not reading is full: the line or paste waits in the editor. */
  | 'PH_SEND_QUEUE_FULL'
  /** A composer's step was refused by the server (or the connection went): the run stopped there. */
  | 'PH_STEP_REFUSED'
  /** A composer's field (its password) could not be sent. */
  | 'PH_BAD_FIELD'
  /** A composer's file (--body-file, --data-file) could not be read. */
  | 'PH_BAD_FILE';

export type ErrorCode = UsageCode | CommandCode | SessionCode;

/**
 * Bad input, from the command line (shown on one line, exit 2) or from the prompt (shown in the
 * prompt): the parsers of hosts, ports and encodings serve both, so one class carries both codes.
 */
export class UsageError extends Error {
  constructor(
    /** Stable code, e.g. PH_BAD_PORT, for tests and scripts. */
    readonly code: UsageCode | CommandCode,
    message: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
