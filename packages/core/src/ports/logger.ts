import { createToken } from '../tokens.js';

/** A structured logger: the subset of pino's API that core uses. Fields first, message second. */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

export const LoggerToken = createToken<Logger>('Logger');

/** A logger that drops everything; the default when none is registered. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
