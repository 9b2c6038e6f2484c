export { type CliConfig, parseCliConfig } from './cli-config.js';
export { type RunningServer, SERVER_DEFAULTS, type ServerOptions, startServer } from './start-server.js';
