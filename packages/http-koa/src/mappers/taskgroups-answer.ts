import type { TaskGroup, Version } from '@bcs/core';
import { success } from '../envelope.js';
import { toBcsTaskGroup } from './taskgroup.js';

/** What {@link TaskGroupsAnswers} keeps of one application's last answer. */
interface Entry {
  readonly version: Version | undefined;
  readonly taskGroups: readonly TaskGroup[];
  /** Each taskgroup's JSON, by taskgroup object (the engine replaces the object on every change). */
  readonly parts: ReadonlyMap<TaskGroup, string>;
  readonly body: Buffer;
  /** Bytes held: the body and the parts (UTF-16 strings count twice their length). */
  readonly size: number;
}

/** The text before the `data` of a success envelope: `{"result":true,"code":0,"message":"success",`. */
const HEAD = (() => {
  const text = JSON.stringify(success([]));
  return text.slice(0, text.length - '"data":[]}'.length);
})();

/**
 * The bytes of `GET …/applications/{name}/taskgroups` answers: exactly
 * `JSON.stringify(success(taskGroups.map((tg) => toBcsTaskGroup(tg, version))))`, without re-deriving and
 * re-serialising what did not change since the application's last answer. Taskgroup and version objects are
 * never changed in place (the engine replaces a taskgroup's object on every change), so an answer for the same
 * version and the same taskgroup objects is the same bytes, and a taskgroup object keeps its JSON.
 *
 * Keeps the last answer of each application, the least recently used dropped first beyond `maxBytes` in all.
 */
export class TaskGroupsAnswers {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly maxBytes = 32 * 1024 * 1024) {}

  /** The answer for application `key` (namespace/name) with these taskgroups, in this order, and version. */
  answer(key: string, taskGroups: readonly TaskGroup[], version: Version | undefined): Buffer {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      this.bytes -= entry.size;
      if (entry.version === version && sameObjects(entry.taskGroups, taskGroups)) {
        this.keep(key, entry);
        return entry.body;
      }
    }
    const reusable = entry?.version === version ? entry?.parts : undefined;
    const parts = new Map<TaskGroup, string>();
    let partsSize = 0;
    const texts = taskGroups.map((tg) => {
      const text = reusable?.get(tg) ?? JSON.stringify(toBcsTaskGroup(tg, version));
      parts.set(tg, text);
      partsSize += 2 * text.length;
      return text;
    });
    const body = Buffer.from(`${HEAD}"data":[${texts.join(',')}]}`);
    this.keep(key, { version, taskGroups: [...taskGroups], parts, body, size: body.length + partsSize });
    return body;
  }

  /** Bytes held now. */
  get size(): number {
    return this.bytes;
  }

  private keep(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    this.bytes += entry.size;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes || oldest === key) break;
      this.entries.delete(oldest);
      this.bytes -= old.size;
    }
  }
}

function sameObjects(a: readonly TaskGroup[], b: readonly TaskGroup[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
