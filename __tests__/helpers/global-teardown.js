// jest's globalTeardown: the XDG directories global-setup.js made for the run go with it.
import { rmSync } from 'node:fs';

export default function removeTestHome() {
  const root = process.env.PORTHOLE_TEST_XDG_ROOT;
  if (root) rmSync(root, { recursive: true, force: true });
}
