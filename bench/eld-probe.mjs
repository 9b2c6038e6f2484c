// Preloaded into the server process by the open-loop benchmarks (`node --import bench/eld-probe.mjs <bin>`),
// never by the command itself, so the product is unchanged and the same probe loads into any build (the A/B
// runs it in commit f36005e's `bcs-scheduler`, which predates @bcs/server). Over the IPC channel the bench:
// - `eld-reset`: starts a window: resets the event-loop delay histogram (perf_hooks.monitorEventLoopDelay,
//   sampled every 1 ms) and notes the CPU time and event-loop utilisation;
// - `eld-read`: answers the window's event-loop delay p50/p99/max/mean (ms), the process's CPU time as a share
//   of one core, and the event-loop utilisation (the share of wall time the main thread was not idle);
// - `profile-start` / `profile-stop`: a CPU profile of just that window through node:inspector (the same
//   `.cpuprofile` format as `--cpu-prof`, which would also profile the start and the pre-fill), written to
//   `path`. The channel is unref'd so it never keeps the server up.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

if (typeof process.send === 'function') {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let cpuStart = process.cpuUsage();
  let eluStart = performance.eventLoopUtilization();
  let wallStart = performance.now();
  let session;
  const post = (method, params) =>
    new Promise((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  const ms = (ns) => ns / 1e6;
  const handlers = {
    'eld-reset': () => {
      histogram.reset();
      cpuStart = process.cpuUsage();
      eluStart = performance.eventLoopUtilization();
      wallStart = performance.now();
      return {};
    },
    'eld-read': () => {
      const cpu = process.cpuUsage(cpuStart);
      const wall = performance.now() - wallStart;
      return {
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        mean: ms(histogram.mean),
        cpu: (cpu.user + cpu.system) / 1000 / wall,
        elu: performance.eventLoopUtilization(eluStart).utilization,
      };
    },
    'profile-start': async (message) => {
      session = new Session();
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: message.intervalUs ?? 1000 });
      await post('Profiler.start');
      return {};
    },
    'profile-stop': async (message) => {
      const { profile } = await post('Profiler.stop');
      session.disconnect();
      writeFileSync(message.path, JSON.stringify(profile));
      return { path: message.path };
    },
  };
  process.on('message', async (message) => {
    const handler = handlers[message?.type];
    if (handler === undefined) return;
    try {
      process.send({ type: message.type, id: message.id, ...(await handler(message)) });
    } catch (error) {
      process.send({ type: message.type, id: message.id, error: String(error) });
    }
  });
  // After the listener: adding a 'message' listener refs the channel again.
  process.channel?.unref();
}
