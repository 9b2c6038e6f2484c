import { inject, injectable } from 'tsyringe';
import { type Clock, ClockToken } from '../ports/clock.js';
import { type Store, StoreToken } from '../ports/store.js';
import type { AgentSetting } from '../resources/agent-setting.js';

/**
 * Agent settings, keyed by InnerIP (spec/api-v4.md AgentSetting, spec/bcs-behaviour.md §13.3). Unlike the
 * original, a write for an IP that has no setting yet creates it. Every batch operation is all-or-nothing:
 * one invalid IP or body entry rejects the whole request and writes nothing.
 */
@injectable()
export class AgentSettingService {
  constructor(
    @inject(StoreToken) private readonly store: Store,
    @inject(ClockToken) private readonly clock: Clock,
  ) {}

  /** Settings of `ips` (missing ones skipped), or all settings when `ips` is empty; ordered by IP. */
  async list(ips: readonly string[]): Promise<AgentSetting[]> {
    void this.store;
    void this.clock;
    void ips;
    throw new Error('TODO');
  }

  /** One setting; `NotFound` when the IP has none. */
  async get(ip: string): Promise<AgentSetting> {
    void ip;
    throw new Error('TODO');
  }

  /** `POST /agentsettings`: body is `AgentSetting[]`; each replaces the stored setting of its IP entirely. */
  async set(body: unknown): Promise<void> {
    void body;
    throw new Error('TODO');
  }

  /** `DELETE /agentsettings?ips=`: deletes the settings; `NotFound` (and nothing deleted) if any is missing. */
  async delete(ips: readonly string[]): Promise<void> {
    void ips;
    throw new Error('TODO');
  }

  /** `POST /agentsettings/update`: merges one attribute (`{ips, name, valuetype, text|scalar}`) into each IP. */
  async update(body: unknown): Promise<void> {
    void body;
    throw new Error('TODO');
  }

  /** `POST /agentsettings/disable?ips=`: no new placements on these agents. */
  async disable(ips: readonly string[]): Promise<void> {
    void ips;
    throw new Error('TODO');
  }

  /** `POST /agentsettings/enable?ips=`. */
  async enable(ips: readonly string[]): Promise<void> {
    void ips;
    throw new Error('TODO');
  }

  /** `PUT /agentsettings/taint`: body `[{innerIP, noSchedule}]`; replaces each IP's taints. */
  async taint(body: unknown): Promise<void> {
    void body;
    throw new Error('TODO');
  }
}
