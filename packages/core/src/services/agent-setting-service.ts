import { inject, injectable } from 'tsyringe';
import { ConflictError, ErrorCode, isBcsError, NotFoundError, ValidationError } from '../errors.js';
import { type Logger, LoggerToken, silentLogger } from '../ports/logger.js';
import { type BatchOp, type Entry, type Store, StoreToken, type UnreadableRow } from '../ports/store.js';
import {
  AGENT_SETTING_COLLECTION,
  type AgentSetting,
  applyAttribute,
  compareIpv4,
  newAgentSetting,
  toAgentSetting,
} from '../resources/agent-setting.js';
import { unreadableReporter } from '../store/unreadable.js';
import { createToken } from '../tokens.js';
import {
  checkIpList,
  parseAgentSettings,
  parseAgentSettingUpdate,
  parseAgentTaints,
} from '../validation/agent-setting.js';
import { isIpv4 } from '../validation/rules.js';

/**
 * Where agent-setting writes run and whom they tell: with a scheduler, its engine, so that a write and the
 * engine's in-memory copy of the settings change in one turn of its queue, and every placement decided after
 * the write's answer honours it; without one, the write just runs.
 */
export interface AgentSettingsSink {
  /** Runs `work` (a read-modify-write of the store) in the scheduler's queue. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** The settings now stored for these IPs (`undefined`: deleted). Called inside `run`, after the write. */
  agentSettingsChanged(settings: ReadonlyMap<string, AgentSetting | undefined>): void;
}

export const AgentSettingsSinkToken = createToken<AgentSettingsSink>('AgentSettingsSink');

/** The sink without a scheduler: runs writes directly and tells no one. */
export const directAgentSettingsSink: AgentSettingsSink = {
  run: (work) => work(),
  agentSettingsChanged: () => undefined,
};

/** A setting whose stored record cannot be read back: a write replaces it, a delete removes it. */
const UNREADABLE = Symbol('unreadable');

/** How often a read-modify-write is retried after a `Conflict` before the conflict is reported. */
export const AGENT_SETTING_RETRIES = 3;

/** Computes the new setting of one IP from its current one (a fresh default when it has none yet). */
type Change = (current: AgentSetting) => AgentSetting;

/**
 * Agent settings, keyed by InnerIP (spec/api-v4.md AgentSetting, spec/bcs-behaviour.md §13.3). Unlike the
 * original, a write for an IP that has no setting yet creates it. Every batch operation is all-or-nothing:
 * one invalid IP or body entry rejects the whole request and writes nothing.
 *
 * A setting whose stored record cannot be read back (store code `Unreadable`) is left out of lists (logged
 * once), answers 500 `Unreadable` on get, and is replaced by a write (which starts from the defaults, as for a
 * new IP) or removed by a delete.
 *
 * Concurrency: each multi-IP write reads the current settings, then writes all of them in one `store.batch`
 * whose preconditions are the revisions read (`absent` for new IPs). A concurrent writer makes the batch fail
 * with `Conflict`; the read-modify-write is then redone, at most {@link AGENT_SETTING_RETRIES} more times,
 * before the `Conflict` (HTTP 409) reaches the caller. So no update is lost.
 *
 * Effect: every write runs in the scheduler engine's queue and updates the engine's copy of the settings in the
 * same turn ({@link AgentSettingsSink}), so a placement decided after the write answered sees it: a disabled or
 * tainted agent gets nothing new, a changed attribute counts for constraints at once.
 */
@injectable()
export class AgentSettingService {
  /** Logs each unreadable setting once, as lists skip it. */
  private readonly onUnreadable: (row: UnreadableRow) => void;

  constructor(
    @inject(StoreToken) private readonly store: Store,
    @inject(AgentSettingsSinkToken) private readonly sink: AgentSettingsSink,
    @inject(LoggerToken) logger: Logger = silentLogger,
  ) {
    this.onUnreadable = unreadableReporter(logger, 'left out of the list');
  }

  /**
   * Settings of `ips` (missing ones skipped), or all settings when `ips` is empty; ordered by IP. A setting
   * whose stored record cannot be read back is left out, with an error log line (once).
   */
  async list(ips: readonly string[]): Promise<AgentSetting[]> {
    const wanted = checkIpList(ips, { required: false });
    const entries =
      wanted.length === 0
        ? await this.store.list<AgentSetting>(AGENT_SETTING_COLLECTION, { onUnreadable: this.onUnreadable })
        : (await this.read(wanted)).filter((entry) => entry !== undefined && entry !== UNREADABLE);
    return entries.map((entry) => entry.value).sort((a, b) => compareIpv4(a.innerIP, b.innerIP));
  }

  /** One setting; `NotFound` when the IP has none, `BadParams` when `ip` is not IPv4. */
  async get(ip: string): Promise<AgentSetting> {
    if (!isIpv4(ip))
      throw new ValidationError('ip', [{ path: 'ip', rule: 'must be an IPv4 address' }], ErrorCode.BadParams);
    const entry = await this.store.get<AgentSetting>(AGENT_SETTING_COLLECTION, ip);
    if (entry === undefined) throw new NotFoundError(`agentsetting ${ip}`);
    return entry.value;
  }

  /**
   * `POST /agentsettings`: body is `AgentSetting[]` with distinct IPs; each entry replaces the stored setting
   * of its IP entirely ("全量更新"): left-out fields are reset to their defaults (`disabled: false`, `{}`).
   */
  async set(body: unknown): Promise<void> {
    const settings = parseAgentSettings(body).map(toAgentSetting);
    await this.apply(new Map(settings.map((setting) => [setting.innerIP, () => setting])));
  }

  /** `DELETE /agentsettings?ips=`: deletes the settings; `NotFound` (nothing deleted) if any is missing. */
  async delete(ips: readonly string[]): Promise<void> {
    const wanted = checkIpList(ips, { required: true });
    await this.retrying(async () => {
      const entries = await this.read(wanted);
      const missing = wanted.filter((_, index) => entries[index] === undefined);
      if (missing.length > 0) throw new NotFoundError(`agentsetting ${missing.join(',')}`);
      await this.store.batch(
        wanted.map((ip, index) => {
          const entry = entries[index] as Entry<AgentSetting> | typeof UNREADABLE;
          return {
            type: 'delete',
            collection: AGENT_SETTING_COLLECTION,
            key: ip,
            ...(entry === UNREADABLE ? {} : { expect: { revision: entry.revision } }),
          };
        }),
      );
      this.sink.agentSettingsChanged(new Map(wanted.map((ip) => [ip, undefined])));
    });
  }

  /**
   * `POST /agentsettings/update`: sets one attribute (`{ips, name, valuetype, text|scalar}`) on each IP,
   * keeping the other attributes ("增量更新"). Valuetype 101 is a scalar, 103 a text; 102/104 are refused.
   */
  async update(body: unknown): Promise<void> {
    const update = parseAgentSettingUpdate(body);
    const change: Change = (current) => applyAttribute(current, update);
    await this.apply(new Map(update.ips.map((ip) => [ip, change])));
  }

  /** `POST /agentsettings/disable?ips=`: no new placements on these agents; running pods stay. */
  async disable(ips: readonly string[]): Promise<void> {
    await this.setDisabled(ips, true);
  }

  /** `POST /agentsettings/enable?ips=`: agents take new placements again (the default). */
  async enable(ips: readonly string[]): Promise<void> {
    await this.setDisabled(ips, false);
  }

  /** `PUT /agentsettings/taint`: body `[{innerIP, noSchedule}]`, distinct IPs; replaces each IP's taints. */
  async taint(body: unknown): Promise<void> {
    const taints = parseAgentTaints(body);
    await this.apply(
      new Map(
        taints.map((taint) => [
          taint.innerIP,
          (current) => ({ ...current, noSchedule: { ...taint.noSchedule } }),
        ]),
      ),
    );
  }

  private async setDisabled(ips: readonly string[], disabled: boolean): Promise<void> {
    const wanted = checkIpList(ips, { required: true });
    const change: Change = (current) => ({ ...current, disabled });
    await this.apply(new Map(wanted.map((ip) => [ip, change])));
  }

  /** Reads the settings of `changes`' IPs, applies each change, writes all of them in one guarded batch. */
  private async apply(changes: ReadonlyMap<string, Change>): Promise<void> {
    if (changes.size === 0) return;
    const ips = [...changes.keys()];
    await this.retrying(async () => {
      const entries = await this.read(ips);
      const written = new Map<string, AgentSetting>();
      const ops: BatchOp[] = ips.map((ip, index) => {
        const entry = entries[index];
        const readable = entry === UNREADABLE ? undefined : entry;
        const next = changes.get(ip)!(readable?.value ?? newAgentSetting(ip));
        written.set(ip, next);
        return {
          type: 'put',
          collection: AGENT_SETTING_COLLECTION,
          key: ip,
          value: next,
          // An unreadable record has no revision to guard on: the write replaces it, from the defaults.
          ...(entry === UNREADABLE
            ? {}
            : { expect: entry === undefined ? { absent: true } : { revision: entry.revision } }),
        };
      });
      await this.store.batch(ops);
      this.sink.agentSettingsChanged(written);
    });
  }

  /** The entries of `ips` for a write: `undefined` when absent, {@link UNREADABLE} when unreadable (logged). */
  private read(ips: readonly string[]): Promise<(Entry<AgentSetting> | typeof UNREADABLE | undefined)[]> {
    return Promise.all(
      ips.map(async (ip) => {
        try {
          return await this.store.get<AgentSetting>(AGENT_SETTING_COLLECTION, ip);
        } catch (error) {
          if (!isBcsError(error) || error.code !== ErrorCode.Unreadable) throw error;
          this.onUnreadable({ collection: AGENT_SETTING_COLLECTION, key: ip, error });
          return UNREADABLE;
        }
      }),
    );
  }

  /**
   * Runs `attempt` in the sink's queue, redoing it after a `Conflict` up to {@link AGENT_SETTING_RETRIES}
   * times.
   */
  private retrying(attempt: () => Promise<void>): Promise<void> {
    return this.sink.run(() => this.attempts(attempt));
  }

  private async attempts(attempt: () => Promise<void>): Promise<void> {
    for (let retry = 0; ; retry++) {
      try {
        return await attempt();
      } catch (error) {
        if (!isBcsError(error) || error.code !== ErrorCode.Conflict) throw error;
        if (retry >= AGENT_SETTING_RETRIES) {
          throw new ConflictError('agent settings changed concurrently; retry the request', { cause: error });
        }
      }
    }
  }
}
