/**
 * bit_serial_mod's tile-engine geometry that the simulator's timing (./timing.ts) and the RTL engine
 * generator must agree on.
 */
import type { Target } from '../../compile/target.js';

/**
 * Elements the bit_serial_mod engine moves per read from a port of `portBytes`: the most that fill whole
 * `lanes`-element steps and whole bytes (so every chunk starts on a byte and a step boundary).
 */
export function bsmChunkElements(portBytes: number, bits: number, lanes: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const perByte = 8 / gcd(bits, 8);
  const q = (lanes * perByte) / gcd(lanes, perByte);
  return Math.floor((8 * portBytes) / (bits * q)) * q;
}

/** Entries the bit_serial_mod engine writes back per cycle: a column's rows, as many as the out port holds. */
export function bsmWritebackSlots(t: Target): number {
  return Math.max(1, Math.min(t.array.rows, Math.floor(t.portBytes.out / (t.bits.out / 8))));
}

/** Raw 32-bit accumulator words per cycle of acc_spill / acc_fill (defined at the compile layer, ./compile-cycles.ts). */
export { bsmRawSlots } from './compile-cycles.js';

/** Elements of k the engine stages per row: the staging depth (Target.stagingK), at most the deepest tile. */
export function bsmStagingElements(t: Target): number {
  return Math.min(t.stagingK, t.maxTileK);
}

/**
 * Chunk slots of a port's staging (chunks of `chunk` elements). When tiles may be deeper than the staging
 * (maxTileK > staging), the slots are a ring: chunk c goes to slot c mod S, and its fetch waits until the
 * compute has finished every group of chunk c − S. S holds the staging depth, at least 2 chunks and a whole
 * group plus one chunk, so the chunks of the group the compute waits for can always be fetched (no
 * deadlock: (S − 1) · chunk ≥ group). Otherwise every chunk of a tile has its own slot (no wrap, no wait).
 */
export function bsmRingSlots(t: Target, chunk: number): number {
  const depth = bsmStagingElements(t);
  const own = Math.ceil(depth / chunk);
  return t.maxTileK > depth ? Math.max(2, own, Math.ceil(t.groupSize / chunk) + 1) : own;
}

/**
 * The engine's meta staging (`mstage`): a whole tile's group scales (a byte per row and group) followed by its
 * selectors (`t.bits.selector` bits each), for the deepest tile (maxTileK) on `rows` rows, held in `words`
 * words of `wordBytes` bytes (one meta-port read each). Its size is a ceiling in the rows, not a polynomial, so
 * the `--synth` engine fit takes its bits as a term of its own (./cost-engine.ts).
 */
export function bsmMetaStaging(t: Target, rows: number = t.array.rows): { readonly bytes: number; readonly words: number; readonly wordBytes: number } {
  const groups = Math.ceil(t.maxTileK / t.groupSize);
  const bytes = rows * groups + Math.ceil((rows * groups * t.bits.selector) / 8);
  return { bytes, words: Math.ceil(bytes / t.portBytes.meta), wordBytes: Math.min(t.portBytes.meta, bytes) };
}
