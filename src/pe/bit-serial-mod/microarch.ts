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
