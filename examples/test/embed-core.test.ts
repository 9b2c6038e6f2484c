import { afterEach, describe, expect, it } from 'vitest';
import { exampleMain, NodeProcess, stopAll } from './helpers/node-process.js';

afterEach(stopAll);

/** `#seq taskgroup.status app/taskgroup from → to host` lines. */
const TASKGROUP_LINE = /^#(\d+) taskgroup\.status hello\/(\S+) (\S+) → (\S+) (\S+)$/gm;

describe('examples/embed-core', () => {
  it('brings 2 instances to Running, one line per event, then summarises and exits 0 by itself', async () => {
    const started = Date.now();
    const example = await NodeProcess.start(exampleMain('embed-core'));
    const exit = await example.waitForExit(30_000);
    const output = await example.output();
    expect(exit, output).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(15_000);

    const lines = [...output.matchAll(TASKGROUP_LINE)];
    const running = lines.filter((m) => m[4] === 'Running');
    expect(new Set(running.map((m) => m[2])).size).toBe(2);
    // Placed: every Running line names the agent's InnerIP.
    for (const m of running) expect(m[5]).toMatch(/^127\.0\.0\.\d+$/);
    // Sequence numbers printed only grow, none repeated.
    const seqs = [...output.matchAll(/^#(\d+) /gm)].map((m) => Number(m[1]));
    expect(seqs.length).toBeGreaterThanOrEqual(running.length);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    expect(output).toMatch(/^summary: application demo\/hello Running, 2\/2 instances Running$/m);
    expect(
      output.match(/^ {2}\d\.hello\.demo\.\S+ Running on 127\.0\.0\.\d+ ports http:\d+$/gm),
    ).toHaveLength(2);
    // The summary and the close come after the last event line.
    expect(output.indexOf('summary:')).toBeGreaterThan(output.lastIndexOf('taskgroup.status'));
    expect(output.trimEnd().endsWith('embed-core: closed cleanly')).toBe(true);
  });
});
