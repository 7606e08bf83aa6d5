// One input layer for the whole app: raw stdin bytes through the pure key decoder. Ink's useInput
// hands Ctrl+] over as plain text, maps 0x7f to delete and leaks bracketed-paste markers
// (design.md), so it is not used.
import { useStdin } from 'ink';
import { useEffect } from 'react';
import { createKeyDecoder, type InputEvent } from '../core/key-decoder.js';

/** How long a lone ESC waits for the rest of a sequence before it counts as the Esc key. */
const ESC_TIMEOUT_MS = 40;

export function useRawInput(onEvents: (events: InputEvent[]) => void): void {
  const { stdin, setRawMode, isRawModeSupported } = useStdin();
  useEffect(() => {
    if (isRawModeSupported) setRawMode(true);
    const decoder = createKeyDecoder();
    let escTimer: NodeJS.Timeout | null = null;
    const onData = (chunk: Buffer | string) => {
      if (escTimer) clearTimeout(escTimer);
      escTimer = null;
      const events = decoder.push(chunk);
      if (events.length) onEvents(events);
      if (decoder.pendingEscape) {
        escTimer = setTimeout(() => {
          const late = decoder.flush();
          if (late.length) onEvents(late);
        }, ESC_TIMEOUT_MS);
      }
    };
    stdin.on('data', onData);
    return () => {
      if (escTimer) clearTimeout(escTimer);
      stdin.off('data', onData);
      if (isRawModeSupported) setRawMode(false);
    };
  }, [stdin, setRawMode, isRawModeSupported, onEvents]);
}
