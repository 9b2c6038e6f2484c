// `pnpm start -- <flags>`: runs the built bcs-scheduler command in this process (signals reach it directly).
// pnpm may pass the `--` separator through; the command ignores a leading `--`.
await import('../packages/server/dist/bin/bcs-scheduler.js');
