import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type KeepAlivePeer, startKeepAlive } from '../src/keepalive.js';

class Peer implements KeepAlivePeer {
  alive = true;
  pings = 0;
  terminated = false;
  constructor(private readonly answers: boolean) {}
  ping(): void {
    this.pings += 1;
    if (this.answers) this.alive = true;
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('startKeepAlive', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pings every peer each interval with one timer and terminates one that did not pong since', () => {
    const healthy = new Peer(true);
    const dead = new Peer(false);
    const dropped: Peer[] = [];
    const keepAlive = startKeepAlive(
      100,
      () => [healthy, dead],
      (peer) => dropped.push(peer),
    );
    expect(vi.getTimerCount()).toBe(1);

    vi.advanceTimersByTime(99);
    expect(healthy.pings).toBe(0);
    vi.advanceTimersByTime(1); // first ping: both were alive
    expect([healthy.pings, dead.pings, dead.terminated]).toEqual([1, 1, false]);
    vi.advanceTimersByTime(100); // the dead peer did not pong since the first ping
    expect([healthy.pings, dead.terminated, healthy.terminated]).toEqual([2, true, false]);
    expect(dropped).toEqual([dead]);
    expect(dead.pings).toBe(1);

    keepAlive.stop();
    vi.advanceTimersByTime(1_000);
    expect(healthy.pings).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sees peers added after it started', () => {
    const peers: Peer[] = [];
    const keepAlive = startKeepAlive(50, () => peers);
    vi.advanceTimersByTime(50);
    const late = new Peer(true);
    peers.push(late);
    vi.advanceTimersByTime(50);
    expect(late.pings).toBe(1);
    keepAlive.stop();
  });
});
