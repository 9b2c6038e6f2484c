/**
 * The simulated cluster's only source of randomness: mulberry32, a 32-bit PRNG small enough to persist as one
 * number. Every id, uuid and shuffle comes from here, so the same seed plus the same calls and clock advances
 * replays the same events (style point 15; Nomad seeds its shuffles too).
 */
export class Prng {
  #state: number;

  /** @param seed any number; only its low 32 bits count. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The internal state: persist it and assign it back to continue the same sequence. */
  get state(): number {
    return this.#state;
  }
  set state(value: number) {
    this.#state = value >>> 0;
  }

  /** The next unsigned 32-bit integer. */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in `[0, n)`. */
  below(n: number): number {
    return Math.floor((this.next() / 0x1_0000_0000) * n);
  }

  /**
   * 16 bytes of an RFC 4122 version 4 UUID: random except the version nibble (byte 6 = `0x4?`) and the
   * variant bits (byte 8 = `0b10??????`), which Mesos checks on ACKNOWLEDGE (spec/mesos-v1.md §1).
   */
  uuidBytes(): Uint8Array {
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 16; i += 4) {
      const word = this.next();
      bytes[i] = word >>> 24;
      bytes[i + 1] = (word >>> 16) & 0xff;
      bytes[i + 2] = (word >>> 8) & 0xff;
      bytes[i + 3] = word & 0xff;
    }
    bytes[6] = (bytes[6]! & 0x0f) | 0x40;
    bytes[8] = (bytes[8]! & 0x3f) | 0x80;
    return bytes;
  }

  /** A version 4 UUID as standard padded base64 (24 characters), the form of `TaskStatus.uuid`. */
  uuidBase64(): string {
    return Buffer.from(this.uuidBytes()).toString('base64');
  }

  /** A version 4 UUID in its 36-character text form (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`). */
  uuidText(): string {
    const hex = Buffer.from(this.uuidBytes()).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}

const UUID_BASE64 = /^[A-Za-z0-9+/]{22}(==)?$/;

/**
 * True when `text` is standard base64 of 16 bytes forming an RFC 4122 UUID (version nibble 1–5, variant
 * `10`), the check Mesos applies to an ACKNOWLEDGE `uuid` before answering 400 (padding is optional on input).
 */
export function isUuidBase64(text: string): boolean {
  if (!UUID_BASE64.test(text)) return false;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== 16) return false;
  const version = bytes[6]! >>> 4;
  return version >= 1 && version <= 5 && (bytes[8]! & 0xc0) === 0x80;
}
