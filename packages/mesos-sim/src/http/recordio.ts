/**
 * One RecordIO record as Mesos writes it on the SUBSCRIBE stream (spec/mesos-v1.md): the decimal byte length
 * of `json` (UTF-8), a line feed, then the bytes.
 */
export function encodeRecord(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}\n`, 'ascii'), body]);
}

/**
 * Splits `bytes` into pieces of 1 to `maxPiece` bytes at boundaries chosen by `below(n)` (a seeded
 * `0 ≤ x < n`), so a reader sees length prefixes split and records joined at arbitrary points.
 */
export function splitAtRandom(bytes: Buffer, below: (n: number) => number, maxPiece = 48): Buffer[] {
  const pieces: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = 1 + below(Math.min(maxPiece, bytes.length - at));
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}
