// `pnpm check:deploy`: a production install of @bcs/server, as an operator would make one, must run on its own
// and carry no test tooling. It
// 1. deploys the built package with its production dependencies only into a temp dir
//    (`pnpm --filter @bcs/server deploy --prod`; pnpm 10 deploys from a shared lockfile only with
//    inject-workspace-packages, so it is set for this command, which copies the workspace packages in);
// 2. fails if anything named vitest, @vitest/*, fast-check or @bcs/testing is installed there;
// 3. starts the deployed `bcs-scheduler` on a free port, waits for `listening on`, calls the API, and expects
//    SIGTERM to exit 0.
// Run after `tsc -b` (the package script does): the deploy copies `dist`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FORBIDDEN = [/^vitest(@|$)/, /^@vitest\+/, /^fast-check(@|$)/, /^@bcs\+testing(@|$)/];
const root = new URL('..', import.meta.url).pathname;
const dir = await mkdtemp(join(tmpdir(), 'bcs-deploy-'));
const target = join(dir, 'server');
let failed = false;
const fail = (message) => {
  failed = true;
  console.error(`check-deploy: ${message}`);
};

try {
  const deploy = spawnSync(
    'pnpm',
    [
      '--config.inject-workspace-packages=true',
      '--filter',
      '@bcs/server',
      'deploy',
      '--prod',
      '--prefer-offline',
      target,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (deploy.status !== 0)
    throw new Error(`pnpm deploy exited ${deploy.status}:\n${deploy.stdout}${deploy.stderr}`);

  // Every installed package has a directory in the virtual store (`name@version`, `@scope+name@version`).
  const installed = await readdir(join(target, 'node_modules', '.pnpm'));
  const topLevel = await readdir(join(target, 'node_modules'));
  const offending = [...installed, ...topLevel].filter((name) => FORBIDDEN.some((re) => re.test(name)));
  if (offending.length > 0) fail(`the production install holds test tooling: ${offending.join(', ')}`);
  console.log(`check-deploy: ${installed.length - 1} packages installed, none of them test tooling`);

  const bin = join(target, 'bin', 'bcs-scheduler.js');
  if (!existsSync(bin)) throw new Error(`${bin} is missing`);
  const child = spawn(process.execPath, [bin, '--port', '0', '--data-dir', join(dir, 'data')], {
    cwd: target,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BCS_LOG_LEVEL: 'warn' },
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" within 30 s:\n${output}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bcs-scheduler exited ${code} before listening:\n${output}`));
    });
  });
  const res = await fetch(`${url}/v4/scheduler/mesos/cluster/resources`, {
    headers: { 'BCS-ClusterID': 'BCS-LOCAL-00001' },
  });
  const body = await res.json();
  if (res.status !== 200 || body.result !== true)
    fail(`GET cluster/resources answered ${res.status} ${JSON.stringify(body)}`);
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) fail(`SIGTERM exit code ${code}:\n${output}`);
  console.log(`check-deploy: the deployed bcs-scheduler listened on ${url}, answered, and exited ${code}`);
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
