// A count as a person reads it: 65,535. What toLocaleString('en-US') says, without it: its first
// call builds ICU's number formatter, ~12 ms, which a probe of a range paid on its last line.

export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = '';
  for (let i = digits.length; i > 0; i -= 3) out = (i > 3 ? ',' : '') + digits.slice(Math.max(0, i - 3), i) + out;
  return n < 0 ? `-${out}` : out;
}
