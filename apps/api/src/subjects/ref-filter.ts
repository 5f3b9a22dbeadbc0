/**
 * A Bloom filter of external references: `add` answers whether the reference may have been added before.
 * "No" is certain (no false negatives); "maybe" is wrong with a small probability that grows with the number
 * of references: with the default 16 MiB and 7 probes, about 1 in 10^6 after a million references, about 1 in
 * 300 after ten million (then most batches of ~23,000 rows have a false "maybe" and take the slower path).
 * Its memory is fixed, whatever the size of the file; a "blocked" filter: one cache line per reference.
 */
export class RefFilter {
  private readonly words: Uint32Array;
  private readonly blockMask: number;

  /** `log2Bits`: the filter holds 2^log2Bits bits (27: 16 MiB). */
  constructor(log2Bits = 27, private readonly probes = 7) {
    if (log2Bits < 9 || log2Bits > 31) throw new RangeError('log2Bits must be between 9 and 31');
    this.words = new Uint32Array(2 ** (log2Bits - 5));
    this.blockMask = 2 ** (log2Bits - 9) - 1;
  }

  /** Adds `ref`; true when it may have been added before, false when it certainly was not. */
  add(ref: string): boolean {
    const bytes = Buffer.from(ref, 'utf8');
    return this.addBytes(bytes, 0, bytes.length);
  }

  /**
   * Adds the reference whose UTF-8 bytes are `buf[start, end)`: the same reference as `add` of its text, so the
   * import may hand one reference over as text and another as bytes.
   */
  addBytes(buf: Uint8Array, start: number, end: number): boolean {
    // Two 32-bit hashes of the UTF-8 bytes (FNV-1a and a multiplicative one): the first picks a block of 512 bits
    // (one cache line, so a probe costs one memory access, not seven), the second the bits in it.
    let h1 = 0x811c9dc5;
    let h2 = 0x9747b28c;
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    h1 ^= h1 >>> 16;
    h1 = Math.imul(h1, 0x85ebca6b);
    h1 ^= h1 >>> 13;
    const base = (h1 & this.blockMask) * 16;
    let present = true;
    for (let i = 0; i < this.probes; i++) {
      h2 = Math.imul(h2 ^ (h2 >>> 16), 0x2c1b3c6d);
      h2 ^= h2 >>> 13;
      const bit = h2 & 511;
      const word = base + (bit >>> 5);
      const flag = 1 << (bit & 31);
      if ((this.words[word]! & flag) === 0) {
        present = false;
        this.words[word]! |= flag;
      }
    }
    return present;
  }
}
