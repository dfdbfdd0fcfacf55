/**
 * Random Hadamard rotation (QuaRot/QuEST/Quartet, formats.md §3). Each block of b = 2^k consecutive
 * elements along the last dimension is replaced by y = H·D·x / √b, where H is the b×b Sylvester
 * Walsh–Hadamard matrix (H[i][j] = (−1)^popcount(i & j)) and D = diag(d) with seeded random signs
 * d_j = ±1 (the same signs for every block, so the inverse can be folded into the other operand).
 * H·D/√b is orthonormal: the inverse is x = D·H·y / √b (H is symmetric and H·H = b·I).
 *
 * Signs: d_j = −1 iff the top bit of the j-th 32-bit draw of seededRandom(seed) is set.
 * The transform is the in-place fast Walsh–Hadamard butterfly, O(b log b) per block, in float64.
 */
import { seededRandom } from '../formats/random.js';
import { QuantError } from './errors.js';
import { lastDim } from './tensor.js';

/** The ±1 signs of D for a block size and seed. */
export function hadamardSigns(blockSize: number, seed: number): Float64Array {
  const rng = seededRandom(seed);
  const d = new Float64Array(blockSize);
  for (let j = 0; j < blockSize; j++) d[j] = rng.nextUint32() >>> 31 ? -1 : 1;
  return d;
}

/** Unnormalized in-place Walsh–Hadamard transform of a[off .. off+b). */
function fwht(a: Float64Array, off: number, b: number): void {
  for (let h = 1; h < b; h *= 2) {
    for (let i = off; i < off + b; i += 2 * h) {
      for (let j = i; j < i + h; j++) {
        const x = a[j];
        const y = a[j + h];
        a[j] = x + y;
        a[j + h] = x - y;
      }
    }
  }
}

function checkBlocks(shape: readonly number[], blockSize: number): void {
  const row = lastDim(shape);
  if (row % blockSize !== 0) {
    throw new QuantError('bad-tensor', `the last dimension (${row}) must be a multiple of the Hadamard block size ${blockSize}`);
  }
}

/** y = H·D·x/√b per block of the last dimension. */
export function hadamardRotate(data: ArrayLike<number>, shape: readonly number[], blockSize: number, seed: number): Float64Array {
  checkBlocks(shape, blockSize);
  const d = hadamardSigns(blockSize, seed);
  const norm = 1 / Math.sqrt(blockSize);
  const out = new Float64Array(data.length);
  for (let off = 0; off < data.length; off += blockSize) {
    for (let j = 0; j < blockSize; j++) out[off + j] = data[off + j] * d[j];
    fwht(out, off, blockSize);
    for (let j = 0; j < blockSize; j++) out[off + j] *= norm;
  }
  return out;
}

/** x = D·H·y/√b per block: the exact inverse of hadamardRotate (up to float64 rounding). */
export function hadamardUnrotate(data: ArrayLike<number>, shape: readonly number[], blockSize: number, seed: number): Float64Array {
  checkBlocks(shape, blockSize);
  const d = hadamardSigns(blockSize, seed);
  const norm = 1 / Math.sqrt(blockSize);
  const out = Float64Array.from(data);
  for (let off = 0; off < data.length; off += blockSize) {
    fwht(out, off, blockSize);
    for (let j = 0; j < blockSize; j++) out[off + j] *= norm * d[j];
  }
  return out;
}
