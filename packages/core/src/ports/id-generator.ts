import { createToken } from '../tokens.js';

/**
 * Makes the unique parts of ids. BCS ids embed Unix nanoseconds (`0.app.ns.cluster.1527839061316356269`,
 * spec/bcs-behaviour.md §1.3), which exceed 2^53, so they travel as decimal strings.
 */
export interface IdGenerator {
  /** A decimal string of Unix nanoseconds, strictly greater than every earlier result of this generator. */
  uniqueNanos(): string;
  /** A random RFC 4122 version 4 UUID. */
  uuid(): string;
}

export const IdGeneratorToken = createToken<IdGenerator>('IdGenerator');
