import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The package layout of issue 9 §6: @bcs/server is the one composition root, @bcs/http-koa a plain adapter, the
// simulator a package of its own, and @bcs/testing a devDependency only (nothing imports it at run time).
const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '../..');
const names = readdirSync(packagesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const manifest = (name: string) =>
  JSON.parse(readFileSync(join(packagesDir, name, 'package.json'), 'utf8')) as Manifest;
const runtimeDeps = (name: string) => {
  const m = manifest(name);
  return Object.keys({ ...m.dependencies, ...m.peerDependencies });
};
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
const bcsImports = (name: string) =>
  sources(join(packagesDir, name, 'src')).flatMap((file) =>
    [
      ...readFileSync(file, 'utf8').matchAll(/from\s+'(@bcs\/[^'/]+)[^']*'|import\s+'(@bcs\/[^'/]+)[^']*'/g),
    ].map((m) => m[1] ?? m[2]),
  );

describe('package boundaries', () => {
  it('finds the packages, the two new ones among them', () => {
    expect(names).toEqual(expect.arrayContaining(['core', 'http-koa', 'mesos-sim', 'server', 'testing']));
  });

  it.each(names.filter((n) => n !== 'testing'))('%s neither depends on nor imports @bcs/testing', (name) => {
    expect(runtimeDeps(name)).not.toContain('@bcs/testing');
    expect(bcsImports(name)).not.toContain('@bcs/testing');
  });

  it.each(['http-koa', 'store-level', 'store-etcd', 'ws-events', 'mesos-sim', 'mesos-http', 'outbound-http'])(
    '%s is an adapter: it imports and depends on no @bcs package but core',
    (name) => {
      expect(bcsImports(name).filter((spec) => spec !== '@bcs/core')).toEqual([]);
      expect(runtimeDeps(name).filter((dep) => dep.startsWith('@bcs/') && dep !== '@bcs/core')).toEqual([]);
    },
  );

  it('lets only @bcs/server declare the bcs-scheduler command', () => {
    const withBin = names.filter((name) => 'bin' in (manifest(name) as object));
    expect(withBin).toEqual(['server']);
  });

  it('builds @bcs/server from the adapters it imports', () => {
    const imported = new Set(bcsImports('server'));
    expect([...imported].sort()).toEqual([
      '@bcs/core',
      '@bcs/http-koa',
      '@bcs/mesos-http',
      '@bcs/mesos-sim',
      '@bcs/outbound-http',
      '@bcs/store-etcd',
      '@bcs/store-level',
      '@bcs/ws-events',
    ]);
    expect(
      runtimeDeps('server')
        .filter((dep) => dep.startsWith('@bcs/'))
        .sort(),
    ).toEqual([...imported].sort());
  });
});
