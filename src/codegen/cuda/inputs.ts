/**
 * The deterministic input generator shared by qacc (TypeScript, here) and the generated CUDA host
 * launchers (the same function in C++, `qacc_hash` in host.ts): benchmark-sized inputs (4096³ GEMMs) are
 * too large to carry to the GPU machine, so both sides derive every operand code from (seed, stream,
 * index) and qacc writes only the golden outputs. One 32-bit avalanche hash (a murmur3-style finalizer of a
 * Weyl sequence), integer-only so JavaScript and C++ agree bit for bit.
 */

/** A 32-bit hash of (seed, stream, index), all unsigned 32-bit integers. */
export function inputHash(seed: number, stream: number, index: number): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b9) ^ Math.imul(index, 0x85ebca6b)) >>> 0;
  h = (h + 0x6a09e667) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** The C++ twin of `inputHash` (host and device), pasted into every generated launcher. */
export const CUDA_INPUT_HASH = `// The input generator qacc shares with this launcher (src/codegen/cuda/inputs.ts inputHash).
[[maybe_unused]] static inline uint32_t qacc_hash(uint32_t seed, uint32_t stream, uint32_t index) {
  uint32_t h = seed ^ ((stream + 1u) * 0x9e3779b9u) ^ (index * 0x85ebca6bu);
  h += 0x6a09e667u;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}`;
