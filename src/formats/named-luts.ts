/**
 * The named lookup-table formats: their tables (data) and their LutFormat instances.
 *
 * Sources (../shared/reference/formats.md §5, bitmod.md): nf4 is bitsandbytes' float32 table; the BitMoD
 * types are fp4_e2m1 / fp3 (sign-magnitude, standard E2M1 units) with the negative-zero code carrying one
 * extra value; flint4 is ANT's signed flint; ternary/binary are BitNet-style weights; complex2 is iFairy's
 * {±1, ±i}; dynamic8 is bitsandbytes' signed dynamic map, embedded as float32 bit patterns exactly as
 * test/vectors/bnb_dynamic_signed.map.txt column 3 gives them (a test compares the two).
 */
import { LutFormat } from './lut.js';

/** The float64 value of a float32 bit pattern (exact: every float32 is a float64). */
function float32FromBits(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits >>> 0);
  return view.getFloat32(0);
}

/** QLoRA NormalFloat4, bitsandbytes' float32 constants (codes 0..15, ascending). */
export const NF4_VALUES: readonly number[] = [
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
  // The decimal texts are float32 shortest forms; fround gives back the float32 constants themselves.
].map(Math.fround);

/** Sign-magnitude table: codes 0..2^(k)-1 hold `magnitudes`, the upper half their negatives (first one = −0). */
function signMagnitude(magnitudes: readonly number[]): number[] {
  return [...magnitudes, ...magnitudes.map((m) => -m)];
}

/** fp4_e2m1 magnitudes by code 0..7 (standard E2M1 units). */
const FP4_MAGNITUDES = [0, 0.5, 1, 1.5, 2, 3, 4, 6];
/** fp3 (sign + 2-bit exponent, no mantissa) magnitudes by code 0..3. */
const FP3_MAGNITUDES = [0, 1, 2, 4];

/** A BitMoD type: the sign-magnitude base whose negative-zero code holds `extra` instead. */
function bitmodValues(magnitudes: readonly number[], extra: number): number[] {
  const table = signMagnitude(magnitudes);
  table[magnitudes.length] = extra; // the −0 code: 0b1000 for fp4, 0b100 for fp3
  return table;
}

/** ANT flint4 magnitudes (codes 0..7; 8..15 negative, 8 = −0). */
export const FLINT4_MAGNITUDES: readonly number[] = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 4];

/**
 * bitsandbytes create_dynamic_map(signed=True): 256 float32 bit patterns, code order (ascending values).
 * Copied from test/vectors/bnb_dynamic_signed.map.txt column 3 (torch's fused-multiply-add linspace path).
 */
const DYNAMIC8_BITS_HEX: readonly string[] = [
  'bf7e3333 bf7a999a bf770000 bf736666 bf6fcccd bf6c3333 bf68999a bf650000',
  'bf616666 bf5dcccd bf5a3333 bf56999a bf530000 bf4f6666 bf4bcccd bf483333',
  'bf44999a bf410000 bf3d6666 bf39cccd bf363334 bf32999a bf2f0000 bf2b6666',
  'bf27cccd bf243334 bf20999a bf1d0000 bf196666 bf15cccd bf123334 bf0e999a',
  'bf0b0000 bf076666 bf03cccc bf003333 bef93332 bef20000 beeacccc bee3999a',
  'bedc6666 bed53333 bece0000 bec6cccc bebf999a beb86666 beb13333 beaa0000',
  'bea2cccc be9b999a be946666 be8d3334 be860000 be7d9999 be6f3333 be60cccd',
  'be526666 be440000 be35999a be273333 be18cccd be0a6666 bdf80000 bddb3334',
  'bdc9eb85 bdc428f7 bdbe6667 bdb8a3d7 bdb2e148 bdad1eb8 bda75c2a bda1999a',
  'bd9bd70a bd96147b bd9051eb bd8a8f5d bd84cccd bd7e147b bd728f5d bd670a3d',
  'bd5b851f bd500000 bd447ae1 bd38f5c3 bd2d70a3 bd21eb85 bd166667 bd0ae148',
  'bcfeb852 bce7ae15 bcd0a3d7 bcb9999a bca28f5d bc8b851f bc68f5c3 bc3ae148',
  'bc1f3b64 bc160418 bc0ccccd bc039581 bbf4bc6a bbe24dd3 bbcfdf3b bbbd70a4',
  'bbab020d bb989374 bb8624dd bb676c8a bb428f5c bb1db22d baf1a9fc baa7ef9d',
  'ba7765ff ba59e83e ba3c6a80 ba1eecc1 ba016f01 b9c7e283 b98ce705 b923d70b',
  'b8ba1f4b b88aefb3 b8378034 b7b24206 b70205ff b65a1a94 b513a3b7 00000000',
  '3513a3b7 365a1a94 370205ff 37b24206 38378034 388aefb3 38ba1f4b 3923d70b',
  '398ce705 39c7e283 3a016f01 3a1eecc1 3a3c6a80 3a59e83e 3a7765ff 3aa7ef9d',
  '3af1a9fc 3b1db22d 3b428f5c 3b676c8a 3b8624dd 3b989374 3bab020d 3bbd70a4',
  '3bcfdf3b 3be24dd3 3bf4bc6a 3c039581 3c0ccccd 3c160418 3c1f3b64 3c3ae148',
  '3c68f5c3 3c8b851f 3ca28f5d 3cb9999a 3cd0a3d7 3ce7ae15 3cfeb852 3d0ae148',
  '3d166667 3d21eb85 3d2d70a3 3d38f5c3 3d447ae1 3d500000 3d5b851f 3d670a3d',
  '3d728f5d 3d7e147b 3d84cccd 3d8a8f5d 3d9051eb 3d96147b 3d9bd70a 3da1999a',
  '3da75c2a 3dad1eb8 3db2e148 3db8a3d7 3dbe6667 3dc428f7 3dc9eb85 3ddb3334',
  '3df80000 3e0a6666 3e18cccd 3e273333 3e35999a 3e440000 3e526666 3e60cccd',
  '3e6f3333 3e7d9999 3e860000 3e8d3334 3e946666 3e9b999a 3ea2cccc 3eaa0000',
  '3eb13333 3eb86666 3ebf999a 3ec6cccc 3ece0000 3ed53333 3edc6666 3ee3999a',
  '3eeacccc 3ef20000 3ef93332 3f003333 3f03cccc 3f076666 3f0b0000 3f0e999a',
  '3f123334 3f15cccd 3f196666 3f1d0000 3f20999a 3f243334 3f27cccd 3f2b6666',
  '3f2f0000 3f32999a 3f363334 3f39cccd 3f3d6666 3f410000 3f44999a 3f483333',
  '3f4bcccd 3f4f6666 3f530000 3f56999a 3f5a3333 3f5dcccd 3f616666 3f650000',
  '3f68999a 3f6c3333 3f6fcccd 3f736666 3f770000 3f7a999a 3f7e3333 3f800000',
];

/** The 256 dynamic8 values (float32 constants as float64). */
export const DYNAMIC8_VALUES: readonly number[] = DYNAMIC8_BITS_HEX.join(' ')
  .split(' ')
  .map((h) => float32FromBits(parseInt(h, 16)));

/** nf4: QLoRA NormalFloat4 (use with absmax scaling per block of 64). */
export const NF4 = new LutFormat(NF4_VALUES, 'nf4');

/** BitMoD fp4 "extra resolution": fp4_e2m1 with code 0b1000 = +5. */
export const BITMOD_FP4_ER_POS = new LutFormat(bitmodValues(FP4_MAGNITUDES, 5), 'bitmod_fp4_er_pos');
/** BitMoD fp4 "extra resolution": fp4_e2m1 with code 0b1000 = −5. */
export const BITMOD_FP4_ER_NEG = new LutFormat(bitmodValues(FP4_MAGNITUDES, -5), 'bitmod_fp4_er_neg');
/** BitMoD fp4 "extra asymmetry": fp4_e2m1 with code 0b1000 = +8. */
export const BITMOD_FP4_EA_POS = new LutFormat(bitmodValues(FP4_MAGNITUDES, 8), 'bitmod_fp4_ea_pos');
/** BitMoD fp4 "extra asymmetry": fp4_e2m1 with code 0b1000 = −8. */
export const BITMOD_FP4_EA_NEG = new LutFormat(bitmodValues(FP4_MAGNITUDES, -8), 'bitmod_fp4_ea_neg');
/** BitMoD fp3 "extra resolution": fp3 with code 0b100 = +3. */
export const BITMOD_FP3_ER_POS = new LutFormat(bitmodValues(FP3_MAGNITUDES, 3), 'bitmod_fp3_er_pos');
/** BitMoD fp3 "extra resolution": fp3 with code 0b100 = −3. */
export const BITMOD_FP3_ER_NEG = new LutFormat(bitmodValues(FP3_MAGNITUDES, -3), 'bitmod_fp3_er_neg');
/** BitMoD fp3 "extra asymmetry": fp3 with code 0b100 = +6. */
export const BITMOD_FP3_EA_POS = new LutFormat(bitmodValues(FP3_MAGNITUDES, 6), 'bitmod_fp3_ea_pos');
/** BitMoD fp3 "extra asymmetry": fp3 with code 0b100 = −6. */
export const BITMOD_FP3_EA_NEG = new LutFormat(bitmodValues(FP3_MAGNITUDES, -6), 'bitmod_fp3_ea_neg');

/** ANT flint4, sign-magnitude (code 8 = −0). */
export const FLINT4 = new LutFormat(signMagnitude(FLINT4_MAGNITUDES), 'flint4');

/** Ternary weights (BitNet b1.58), 2-bit sign-magnitude: 0 → 0, 1 → +1, 2 → −0, 3 → −1. */
export const TERNARY = new LutFormat(signMagnitude([0, 1]), 'ternary');

/** Binary weights, 1 bit: 0 → +1, 1 → −1. */
export const BINARY = new LutFormat([1, -1], 'binary');

/**
 * iFairy complex weights, 2 bits: 0 → +1, 1 → −1, 2 → +i, 3 → −i. `decode` gives the real part (0 for ±i);
 * `decodeComplex` gives both parts; encoding a real number chooses between +1 and −1.
 */
export const COMPLEX2 = new LutFormat([1, -1, 0, 0], 'complex2', [0, 0, 1, -1]);

/** bitsandbytes dynamic 8-bit map (signed), for blockwise 8-bit optimizer states with absmax scaling. */
export const DYNAMIC8 = new LutFormat(DYNAMIC8_VALUES, 'dynamic8');

/** The named lookup formats in the order the registry lists them. */
export const NAMED_LUTS: readonly LutFormat[] = [
  NF4,
  BITMOD_FP4_ER_POS,
  BITMOD_FP4_ER_NEG,
  BITMOD_FP4_EA_POS,
  BITMOD_FP4_EA_NEG,
  BITMOD_FP3_ER_POS,
  BITMOD_FP3_ER_NEG,
  BITMOD_FP3_EA_POS,
  BITMOD_FP3_EA_NEG,
  FLINT4,
  TERNARY,
  BINARY,
  COMPLEX2,
  DYNAMIC8,
];
