import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import protobuf from 'protobufjs';

/** Where Debian's `golang-github-mesos-mesos-go-dev` puts `mesos.proto` and `scheduler/scheduler.proto`. */
export const DEBIAN_MESOS_PROTO_DIR = '/usr/share/gocode/src/github.com/mesos/mesos-go/api/v1/lib';
/** Where Debian's `golang-github-gogo-protobuf-dev` puts `gogo.proto` (both protos import it). */
export const DEBIAN_GOGO_PROTO_DIR = '/usr/share/gocode/src/github.com/gogo/protobuf/gogoproto';

/** The Debian packages that hold the protos, for error messages and `.ci/run`. */
export const MESOS_PROTO_PACKAGE = 'golang-github-mesos-mesos-go-dev';
export const GOGO_PROTO_PACKAGE = 'golang-github-gogo-protobuf-dev';

// The import paths the protos use (`import "github.com/…/mesos.proto"`), mapped onto the directories in use.
const MESOS_IMPORT = 'github.com/mesos/mesos-go/api/v1/lib/';
const GOGO_IMPORT = 'github.com/gogo/protobuf/gogoproto/';
const DESCRIPTOR_IMPORT = 'google/protobuf/descriptor.proto';

/** The directories the protos are read from. */
export interface MesosProtoDirs {
  /** Holds `mesos.proto` and `scheduler/scheduler.proto`. */
  readonly mesos: string;
  /** Holds `gogo.proto`. */
  readonly gogo: string;
}

/** `dir`, else `MESOS_PROTO_DIR`, else the Debian path; gogo from `GOGO_PROTO_DIR`, else the Debian path. */
export function mesosProtoDirs(dir?: string): MesosProtoDirs {
  return {
    mesos: resolve(dir ?? process.env.MESOS_PROTO_DIR ?? DEBIAN_MESOS_PROTO_DIR),
    gogo: resolve(process.env.GOGO_PROTO_DIR ?? DEBIAN_GOGO_PROTO_DIR),
  };
}

function requireFile(file: string, pkg: string, envVar: string): void {
  if (!existsSync(file))
    throw new Error(
      `mesos-proto: ${file} is missing: install the Debian package ${pkg} ` +
        `(apt-get install -y ${pkg}) or point ${envVar} at a directory that holds it`,
    );
}

/**
 * `descriptor.proto` (imported by gogo.proto, which extends its option messages): the copy gogo's Debian
 * package ships next to gogoproto/, else the one bundled with protobufjs. Only the option extensions need it.
 */
function descriptorPath(gogoDir: string): string {
  const debian = join(gogoDir, '..', 'protobuf', DESCRIPTOR_IMPORT);
  if (existsSync(debian)) return debian;
  return createRequire(import.meta.url).resolve(`protobufjs/${DESCRIPTOR_IMPORT}`);
}

/**
 * Parses `scheduler.proto` (and through its imports `mesos.proto` and `gogo.proto`) into a resolved protobufjs
 * root with the proto field names kept (`keepCase`: `framework_id`, not `frameworkId`). Throws, naming the
 * Debian package, when a file is missing.
 */
export function loadMesosRoot(dirs: MesosProtoDirs): protobuf.Root {
  const scheduler = join(dirs.mesos, 'scheduler', 'scheduler.proto');
  requireFile(join(dirs.mesos, 'mesos.proto'), MESOS_PROTO_PACKAGE, 'MESOS_PROTO_DIR');
  requireFile(scheduler, MESOS_PROTO_PACKAGE, 'MESOS_PROTO_DIR');
  requireFile(join(dirs.gogo, 'gogo.proto'), GOGO_PROTO_PACKAGE, 'GOGO_PROTO_DIR');
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    if (target.startsWith(MESOS_IMPORT)) return join(dirs.mesos, target.slice(MESOS_IMPORT.length));
    if (target.startsWith(GOGO_IMPORT)) return join(dirs.gogo, target.slice(GOGO_IMPORT.length));
    if (target === DESCRIPTOR_IMPORT) return descriptorPath(dirs.gogo);
    return protobuf.util.path.resolve(origin, target);
  };
  root.loadSync(scheduler, { keepCase: true });
  root.resolveAll();
  return root;
}
