// Preloaded into the server process by the soak benchmark (`node --expose-gc --import bench/soak-probe.mjs`),
// never by the command itself: over the IPC channel the bench asks for the heap after a full GC ("heap") or
// for a heap snapshot written to a path ("snapshot"). The channel is unref'd so it never keeps the server up.
import { writeHeapSnapshot } from 'node:v8';

if (typeof process.send === 'function' && typeof globalThis.gc === 'function') {
  process.on('message', (message) => {
    if (message?.type === 'heap') {
      // Two passes: the first may only queue finalizers and weak callbacks that the second then frees.
      globalThis.gc();
      globalThis.gc();
      const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage();
      process.send({ type: 'heap', id: message.id, heapUsed, rss, external, arrayBuffers });
    } else if (message?.type === 'snapshot') {
      globalThis.gc();
      process.send({ type: 'snapshot', id: message.id, path: writeHeapSnapshot(message.path) });
    }
  });
  // After the listener: adding a 'message' listener refs the channel again.
  process.channel?.unref();
}
