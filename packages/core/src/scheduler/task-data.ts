import type { ConfigMap } from '../resources/configmap.js';
import type { Secret } from '../resources/secret.js';
import type { ContainerSpec } from '../resources/version.js';

/**
 * What a task gets of the configmaps and secrets its container references (spec/bcs-behaviour.md §8.4), built
 * as the original's `createTaskConfigMaps` / `createTaskSecrets` built `DataClass.Msgs` (bcs-scheduler
 * `sched/task/task.go`), in the JSON Go's `encoding/json` wrote for `types.BcsMessage`.
 */

/** `types.Msg_Type` numbers used here. */
export const MsgType = { LOCALFILE: 1, ENV: 3, REMOTE: 4, SECRET: 5, ENV_REMOTE: 7 } as const;
/** `types.Secret_Type`. */
export const SecretType = { Unknown: 0, Env: 1, File: 2 } as const;

/** One `types.BcsMessage` as Go's JSON: exactly one of the payload fields is set. */
export interface BcsMessage {
  readonly Id: 0;
  readonly Type: (typeof MsgType)[keyof typeof MsgType];
  readonly TaskGroupId: '';
  readonly TaskID: null;
  /** A file whose content is `Base64`, written to `To` with rights `r`/`rw` for `User`. */
  readonly Local?: {
    readonly To: string;
    readonly Right: 'r' | 'rw';
    readonly User: string;
    readonly Base64: string;
  };
  /** An environment variable; `Value` is base64 (the executor decodes it). */
  readonly Env?: { readonly Name: string; readonly Value: string };
  /** An environment variable whose value is fetched from `From`. */
  readonly EnvRemote?: {
    readonly Name: string;
    readonly From: string;
    readonly Type: string;
    readonly RemoteUser: string;
    readonly RemotePasswd: string;
  };
  /** A file fetched from `From` and written to `To`. */
  readonly Remote?: {
    readonly To: string;
    readonly Right: 'r' | 'rw';
    readonly User: string;
    readonly From: string;
    readonly Type: string;
    readonly RemoteUser: string;
    readonly RemotePasswd: string;
  };
  /** A secret value (base64) as an environment variable (`Type` 1) or a file (2) named `Name`. */
  readonly Secret?: { readonly Name: string; readonly Value: string; readonly Type: 0 | 1 | 2 };
  readonly Status: '';
  readonly Message: '';
  readonly CompleteTime: 0;
  readonly CreateTime: 0;
}

/** The configmaps and secrets of the application's namespace a launch can read, by name. */
export interface TaskDataObjects {
  readonly configMaps: ReadonlyMap<string, ConfigMap>;
  readonly secrets: ReadonlyMap<string, Secret>;
}

const envelope = { Id: 0, TaskGroupId: '', TaskID: null } as const;
const trailer = { Status: '', Message: '', CompleteTime: 0, CreateTime: 0 } as const;

/**
 * The messages of one container, configmaps first, then secrets, in reference and item order:
 *
 * - configmap item `file`: a configmap datum of type `file` → LOCALFILE (`To` = `keyOrPath`, `Base64` = the
 *   content, `Right` `r` when `readOnly` else `rw`, `User`); a remote datum (http, https, ftp, ftps) → REMOTE
 *   (`From` = the URL, `Type`, remote credentials);
 * - configmap item `env`: a `file` datum → ENV (`Name` = `keyOrPath`, `Value` = the base64 content); a remote
 *   datum → ENV_REMOTE;
 * - secret item → SECRET (`Type` 1 for `env`, 2 for `file`; `Name` = `keyOrPath`, `Value` = the content).
 *
 * A data key the object lacks, or an object that is gone (deleted with `force`), is skipped, as the original
 * skipped a missing key.
 */
export function taskMessagesOf(
  spec: Pick<ContainerSpec, 'configMaps' | 'secrets'>,
  objects: TaskDataObjects,
): BcsMessage[] {
  const messages: BcsMessage[] = [];
  for (const ref of spec.configMaps ?? []) {
    const configMap = objects.configMaps.get(ref.name);
    if (configMap === undefined) continue;
    for (const item of ref.items) {
      const datum = Object.hasOwn(configMap.datas, item.dataKey) ? configMap.datas[item.dataKey] : undefined;
      if (datum === undefined) continue;
      const right = item.readOnly ? 'r' : 'rw';
      const remote = {
        From: datum.content,
        Type: datum.type,
        RemoteUser: datum.remoteUser ?? '',
        RemotePasswd: datum.remotePasswd ?? '',
      };
      if (item.type === 'file') {
        messages.push(
          datum.type === 'file'
            ? {
                ...envelope,
                Type: MsgType.LOCALFILE,
                Local: { To: item.keyOrPath, Right: right, User: item.user, Base64: datum.content },
                ...trailer,
              }
            : {
                ...envelope,
                Type: MsgType.REMOTE,
                Remote: { To: item.keyOrPath, Right: right, User: item.user, ...remote },
                ...trailer,
              },
        );
      } else {
        messages.push(
          datum.type === 'file'
            ? {
                ...envelope,
                Type: MsgType.ENV,
                Env: { Name: item.keyOrPath, Value: datum.content },
                ...trailer,
              }
            : {
                ...envelope,
                Type: MsgType.ENV_REMOTE,
                EnvRemote: { Name: item.keyOrPath, ...remote },
                ...trailer,
              },
        );
      }
    }
  }
  for (const ref of spec.secrets ?? []) {
    const secret = objects.secrets.get(ref.secretName);
    if (secret === undefined) continue;
    for (const item of ref.items) {
      const datum = Object.hasOwn(secret.datas, item.dataKey) ? secret.datas[item.dataKey] : undefined;
      if (datum === undefined) continue;
      const type =
        item.type === 'env' ? SecretType.Env : item.type === 'file' ? SecretType.File : SecretType.Unknown;
      messages.push({
        ...envelope,
        Type: MsgType.SECRET,
        Secret: { Name: item.keyOrPath, Value: datum.content, Type: type },
        ...trailer,
      });
    }
  }
  return messages;
}

/**
 * The environment variables among `messages`, decoded as the BCS executor decoded them (ENV and env SECRET
 * values are base64; a value that is not is taken as it is), so that Mesos' DEFAULT executor, which does not
 * read `data`, still sets them. Remote ones (ENV_REMOTE) need the BCS executor and are left out.
 *
 * Example: ENV `{Name: 'MODE', Value: 'cHJvZA=='}` → `{name: 'MODE', value: 'prod'}`.
 */
export function taskEnvOf(messages: readonly BcsMessage[]): { name: string; value: string }[] {
  const variables: { name: string; value: string }[] = [];
  for (const message of messages) {
    if (message.Env !== undefined)
      variables.push({ name: message.Env.Name, value: decodeBase64(message.Env.Value) });
    else if (message.Secret !== undefined && message.Secret.Type === SecretType.Env) {
      variables.push({ name: message.Secret.Name, value: decodeBase64(message.Secret.Value) });
    }
  }
  return variables;
}

/**
 * The task's `data`: base64 of the JSON `{"Msgs": [...]}` (the original's `DataClass`, of which only `Msgs`
 * carries anything here), or undefined when there are no messages.
 */
export function taskDataOf(messages: readonly BcsMessage[]): string | undefined {
  if (messages.length === 0) return undefined;
  return encodeBase64(JSON.stringify({ Msgs: messages }));
}

function decodeBase64(value: string): string {
  try {
    const binary = atob(value);
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return value;
  }
}

function encodeBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
