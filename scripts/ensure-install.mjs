// Installs the workspace when a fresh clone has no node_modules yet (or the lockfile changed since the last
// install), so `pnpm start` and `pnpm test` are each one command on a new machine.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.modules.yaml';
const stale = !existsSync(marker) || statSync('pnpm-lock.yaml').mtimeMs > statSync(marker).mtimeMs;
if (stale) {
  console.error('[bcs] installing dependencies (pnpm install --frozen-lockfile)…');
  execFileSync('pnpm', ['install', '--frozen-lockfile'], { stdio: 'inherit' });
}
