export { type CliConfig, parseCliConfig } from './cli-config.js';
export { EXIT_DEPOSED, type ReplicaOptions, type RunningReplica, startReplica } from './replica.js';
export { type RunningServer, SERVER_DEFAULTS, type ServerOptions, startServer } from './start-server.js';
