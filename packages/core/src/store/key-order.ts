/** Code units from 0xD800 up (surrogates and the rest of the BMP) move to code points from 0x10000 up. */
const SHIFT_FROM = 0xd800;
const SHIFT_TO = 0x10000;

/**
 * Encodes a store key so that a backend ordering by UTF-8 bytes (LevelDB, etcd) orders it as the port does, by
 * UTF-16 code units. Shared by store-level and store-etcd.
 *
 * UTF-8 orders by code point, which disagrees with UTF-16 for one range: `'\uFFFF'` (one unit 0xFFFF) sorts
 * after `'😀'` (units 0xD83D 0xDE00) in UTF-16, but before it by code point (0xFFFF < 0x1F600). Lone
 * surrogates also cannot be written as UTF-8 at all. So each code unit `u ≥ 0xD800` becomes the code point
 * `0x10000 + (u − 0xD800)` (a valid, non-surrogate code point up to 0x127FF); units below 0xD800 are kept.
 * The mapping is per unit and increasing, so it keeps order and prefixes, and ordinary keys stay readable.
 *
 * Examples: `'ns/web'` → `'ns/web'`; `'\uFFFF'` → `'\u{127FF}'`; `'😀'` (0xD83D 0xDE00) → `'\u{1003D}\u{10600}'`.
 */
export function encodeStoreKey(key: string): string {
  let out = '';
  let plain = 0;
  for (let i = 0; i < key.length; i++) {
    const unit = key.charCodeAt(i);
    if (unit < SHIFT_FROM) continue;
    out += key.slice(plain, i) + String.fromCodePoint(SHIFT_TO + unit - SHIFT_FROM);
    plain = i + 1;
  }
  return plain === 0 ? key : out + key.slice(plain);
}

/** Reverses {@link encodeStoreKey}: code points from 0x10000 up become the code unit `0xD800 + (cp − 0x10000)`. */
export function decodeStoreKey(stored: string): string {
  let out = '';
  for (const char of stored) {
    const point = char.codePointAt(0) as number;
    out += point >= SHIFT_TO ? String.fromCharCode(SHIFT_FROM + point - SHIFT_TO) : char;
  }
  return out;
}
