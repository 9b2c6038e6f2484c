import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DEBIAN_GOGO_PROTO_DIR,
  DEBIAN_MESOS_PROTO_DIR,
  GOGO_PROTO_PACKAGE,
  loadMesosSchema,
  MESOS_PROTO_PACKAGE,
  mesosProtoDirs,
} from '../../src/mesos-proto/index.js';

describe('loadMesosSchema', () => {
  const temps: string[] = [];
  const temp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesos-proto-'));
    temps.push(dir);
    return dir;
  };
  afterEach(() => {
    vi.unstubAllEnvs();
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the Debian trees by default and resolves both packages', () => {
    vi.stubEnv('MESOS_PROTO_DIR', undefined);
    vi.stubEnv('GOGO_PROTO_DIR', undefined);
    expect(mesosProtoDirs()).toEqual({ mesos: DEBIAN_MESOS_PROTO_DIR, gogo: DEBIAN_GOGO_PROTO_DIR });
    const schema = loadMesosSchema();
    expect(schema.root.lookupType('mesos.scheduler.Call').fields.accept?.type).toBe('Accept');
    expect(schema.root.lookupType('mesos.TaskInfo').fields.task_id?.required).toBe(true);
  });

  it('honours MESOS_PROTO_DIR and GOGO_PROTO_DIR (copies of the protos elsewhere)', () => {
    const mesos = temp();
    cpSync(join(DEBIAN_MESOS_PROTO_DIR, 'mesos.proto'), join(mesos, 'mesos.proto'));
    cpSync(
      join(DEBIAN_MESOS_PROTO_DIR, 'scheduler', 'scheduler.proto'),
      join(mesos, 'scheduler', 'scheduler.proto'),
    );
    const gogo = temp();
    cpSync(join(DEBIAN_GOGO_PROTO_DIR, 'gogo.proto'), join(gogo, 'gogo.proto'));
    vi.stubEnv('MESOS_PROTO_DIR', mesos);
    vi.stubEnv('GOGO_PROTO_DIR', gogo);
    expect(mesosProtoDirs()).toEqual({ mesos, gogo });
    // gogo.proto's descriptor.proto then comes from protobufjs (no Debian tree next to the copy).
    const schema = loadMesosSchema();
    expect(schema.checkEvent({ type: 'HEARTBEAT' })).toBeUndefined();
    expect(schema.checkEvent({ type: 'HEARTBEAT', beat: 1 })).toBeDefined();
  });

  it('throws, naming the Debian package, when a mesos proto is missing (never a silent skip)', () => {
    const empty = temp();
    expect(() => loadMesosSchema(empty)).toThrow(MESOS_PROTO_PACKAGE);
    cpSync(join(DEBIAN_MESOS_PROTO_DIR, 'mesos.proto'), join(empty, 'mesos.proto'));
    expect(() => loadMesosSchema(empty)).toThrow(MESOS_PROTO_PACKAGE);
  });

  it('throws, naming the Debian package, when gogo.proto is missing', () => {
    vi.stubEnv('GOGO_PROTO_DIR', temp());
    expect(() => loadMesosSchema(DEBIAN_MESOS_PROTO_DIR)).toThrow(GOGO_PROTO_PACKAGE);
  });
});
