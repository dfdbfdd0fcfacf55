/**
 * Maps an elaborated accelerator (src/ir) to what the workload compiler and the simulator need: the
 * golden datapath config of its PE array (src/golden), the element widths of every operand as stored in
 * the on-chip buffers, the ISA format-register values, and the byte capacity of each ISA buffer space.
 *
 * Buffer mapping (the ISA's spaces act, wgt, meta, out, lrw onto the declared buffers; the IR has no
 * per-space declaration, so this is the compiler's choice, stated here once):
 * - act → the `activations` buffer (else the `unified` one); wgt → the `weights` buffer;
 * - out → the `outputs` buffer when declared, otherwise the last quarter of the activations buffer;
 * - meta and lrw → halves of the `unified` buffer when declared, otherwise meta takes the last eighth of
 *   the weights buffer (lrw then has no space: a design without a unified buffer cannot run a branch).
 * The accumulators (`acc` entries) are the PE array's output registers: rows · cols entries, one per PE
 * (an output-stationary tile is at most one array pass); `lrt` holds cols · rank entries.
 * Compute reads from a buffer at banks · width bits per cycle.
 *
 * Only the first array of an accelerator is used (every example has one).
 */
import type { BitSerialModConfig, BitSerialWeightType, GoldenConfig, LowRankGemmConfig, MacConfig, SimdElementName, SimdMacConfig, SimdOutputName } from '../golden/types.js';
import type { IrAccelerator, IrArray, IrBuffer, IrPe } from '../ir/types.js';
import type { IsaBuffer, IsaFormat } from '../isa/index.js';
import { CompileError } from './errors.js';

/** Options that pick among what a design declares. */
export interface TargetOptions {
  /** simd_mac: index of the SIMD mode to run (default 0). */
  readonly simdMode?: number;
}

/** Storage widths (bits per element) of the operands in buffers and DRAM. */
export interface OperandBits {
  readonly act: number;
  readonly wgt: number;
  /** Group/block scale bits (0 when none). */
  readonly gscale: number;
  /** Selector bits (bit_serial_mod mixtures; 0 otherwise). */
  readonly selector: number;
  /** Channel scale bits (0 when none). */
  readonly cscale: number;
  /** Bias / low-rank factor / raw activation bits (lowrank_gemm; 0 otherwise). */
  readonly branch: number;
  readonly out: number;
}

/** The format registers a program sets (`setfmt`). */
export interface FormatRegisters {
  readonly act: IsaFormat;
  readonly wgt: IsaFormat;
  readonly raw: IsaFormat;
  readonly gscale: IsaFormat;
  readonly cscale: IsaFormat;
  readonly bias: IsaFormat;
  readonly acc: IsaFormat;
  readonly out: IsaFormat;
  readonly lr: IsaFormat;
}

export interface Target {
  readonly accelerator: IrAccelerator;
  readonly array: IrArray;
  readonly pe: IrPe;
  readonly golden: GoldenConfig;
  readonly bits: OperandBits;
  readonly formats: FormatRegisters;
  /** simd_mac: the chosen mode index (0 otherwise). */
  readonly simdMode: number;
  /** Reduction elements per scale group (1 when the kind has none). */
  readonly groupSize: number;
  /** Byte capacity of each ISA buffer space. */
  readonly capacity: Readonly<Record<IsaBuffer, number>>;
  /** Bytes per cycle the compute side reads from the act and wgt buffers. */
  readonly actReadBytesPerCycle: number;
  readonly wgtReadBytesPerCycle: number;
  /**
   * Bytes per cycle of the read/write port of the physical buffer behind each ISA buffer space
   * (banks · width / 8): act → the activations buffer, wgt → the weights buffer, meta → the unified
   * buffer when there is a separate one, else the weights buffer, lrw → the unified buffer, out → the
   * outputs buffer, else the activations buffer. 0 for a space with no capacity.
   */
  readonly portBytes: Readonly<Record<IsaBuffer, number>>;
  /**
   * Largest k of one tile instruction the hardware takes: the depth of the tile engine's operand
   * staging (docs/array-rtl.md). The compiler cuts longer reductions into k tiles of at most this.
   */
  readonly maxTileK: number;
  /** Accumulator entries (rows · cols) and low-rank partial-sum entries. */
  readonly accEntries: number;
  readonly lrtEntries: number;
}

const BITMOD_FP4 = ['bitmod_fp4_er_pos', 'bitmod_fp4_er_neg', 'bitmod_fp4_ea_pos', 'bitmod_fp4_ea_neg'];
const BITMOD_FP3 = ['bitmod_fp3_er_pos', 'bitmod_fp3_er_neg', 'bitmod_fp3_ea_pos', 'bitmod_fp3_ea_neg'];
const BIT_SERIAL_TYPES = new Set<string>([...BITMOD_FP4, ...BITMOD_FP3, 'fp4_e2m1', 'int2', 'int3', 'int4', 'int5', 'int6', 'int7', 'int8']);
const SIMD_ELEMENTS = new Set<string>(['fp4_e2m1', 'posit4_1', 'int4', 'posit8_0', 'fp8_e4m3', 'fp8_e5m2', 'int8', 'posit16_1']);
const SIMD_OUTPUTS = new Set<string>(['fp16', 'bf16', 'fp32', 'posit8_0', 'posit16_1']);

function isaFormatOf(name: string): IsaFormat {
  const n = name.startsWith('bitmod_') ? name.slice('bitmod_'.length) : name;
  return n as IsaFormat;
}

function outBits(name: string): number {
  return name === 'fp32' || name === 'int32' ? 32 : name === 'posit8_0' ? 8 : 16;
}

function bitSerialTarget(pe: Extract<IrPe, { kind: 'bit_serial_mod' }>): { golden: BitSerialModConfig; bits: OperandBits; formats: FormatRegisters } {
  const scheme = pe.weights.scheme;
  let candidates: string[];
  if (scheme.kind === 'mixture') candidates = scheme.candidates.map((c) => c.name);
  else if (scheme.kind === 'scaled') candidates = [scheme.element.name];
  else throw new CompileError('unsupported', `bit_serial_mod PE '${pe.name}': weight scheme '${scheme.kind}' is not supported by the compiler`);
  for (const c of candidates) {
    if (!BIT_SERIAL_TYPES.has(c)) throw new CompileError('unsupported', `bit_serial_mod PE '${pe.name}': weight type '${c}' is not a bit-serial type`);
  }
  if (pe.activations.format.name !== 'fp16') throw new CompileError('unsupported', `bit_serial_mod PE '${pe.name}': activations must be fp16`);
  const output = pe.output.name;
  if (output !== 'fp16' && output !== 'fp32') throw new CompileError('unsupported', `bit_serial_mod PE '${pe.name}': output must be fp16 or fp32`);
  const golden: BitSerialModConfig = { kind: 'bit_serial_mod', groupSize: pe.groupSize, candidates: candidates as BitSerialWeightType[], output, ...(pe.datapath === 'qacc' ? {} : { datapath: pe.datapath }) };
  const wgtBits = Math.max(...candidates.map((c) => (c.startsWith('bitmod_fp3') ? 3 : c.startsWith('int') ? Number(c.slice(3)) : 4)));
  const wgt: IsaFormat = candidates.join() === BITMOD_FP4.join() ? 'bitmod_fp4' : candidates.join() === BITMOD_FP3.join() ? 'bitmod_fp3' : candidates.length === 1 ? isaFormatOf(candidates[0]) : 'slot0';
  return {
    golden,
    bits: { act: 16, wgt: wgtBits, gscale: 8, selector: candidates.length > 1 ? 2 : 0, cscale: 16, branch: 0, out: outBits(output) },
    formats: { act: 'fp16', wgt, raw: 'none', gscale: 'uint8', cscale: 'fp16', bias: 'none', acc: 'fp32', out: output, lr: 'none' },
  };
}

function simdTarget(pe: Extract<IrPe, { kind: 'simd_mac' }>, mode: number): { golden: SimdMacConfig; bits: OperandBits; formats: FormatRegisters } {
  const m = pe.modes[mode];
  if (!m) throw new CompileError('unsupported', `simd_mac PE '${pe.name}' has ${pe.modes.length} modes; mode ${mode} does not exist`);
  const element = m.format.name;
  if (!SIMD_ELEMENTS.has(element)) throw new CompileError('unsupported', `simd_mac PE '${pe.name}': element format '${element}' is not supported`);
  if (!SIMD_OUTPUTS.has(pe.output.name)) throw new CompileError('unsupported', `simd_mac PE '${pe.name}': output '${pe.output.name}' is not supported`);
  const golden: SimdMacConfig = {
    kind: 'simd_mac',
    element: element as SimdElementName,
    output: pe.output.name as SimdOutputName,
    accumulation: pe.accumulation === 'exact' ? 'exact' : 'round-each-step',
    maxDotLength: pe.maxDotLength,
  };
  return {
    golden,
    bits: { act: m.laneBits, wgt: m.laneBits, gscale: 0, selector: 0, cscale: 0, branch: 0, out: outBits(pe.output.name) },
    formats: { act: element as IsaFormat, wgt: element as IsaFormat, raw: 'none', gscale: 'none', cscale: 'none', bias: 'none', acc: 'none', out: pe.output.name as IsaFormat, lr: 'none' },
  };
}

function lowRankTarget(pe: Extract<IrPe, { kind: 'lowrank_gemm' }>): { golden: LowRankGemmConfig; bits: OperandBits; formats: FormatRegisters } {
  const ws = pe.weights.scheme;
  const as = pe.activations.scheme;
  const branch = pe.branchFormat.name;
  const acc = pe.accumulation.name;
  if (branch !== 'fp16' && branch !== 'bf16') throw new CompileError('unsupported', `lowrank_gemm PE '${pe.name}': branch format must be fp16 or bf16`);
  if (acc !== 'fp16' && acc !== 'bf16' && acc !== 'fp32') throw new CompileError('unsupported', `lowrank_gemm PE '${pe.name}': accumulation must be fp16, bf16 or fp32`);
  let main: LowRankGemmConfig['main'];
  let formats: FormatRegisters;
  let gscaleBits: number;
  // Channel scales (Nunchaku's wcscales), when declared, are branch-format codes like the bias.
  const cscale = pe.channelScales ? branch : 'none';
  if (ws.kind === 'nvfp4') {
    main = { kind: 'nvfp4', groupSize: pe.groupSize };
    gscaleBits = 8;
    formats = { act: 'fp4_e2m1', wgt: 'fp4_e2m1', raw: branch, gscale: 'fp8_e4m3', cscale, bias: branch, acc, out: branch, lr: branch };
  } else {
    const actElem = as.kind === 'scaled' ? as.element.name : 'int4';
    const scaleFormat = pe.weights.scaleFormat.name;
    if (scaleFormat !== 'fp16' && scaleFormat !== 'bf16') throw new CompileError('unsupported', `lowrank_gemm PE '${pe.name}': int4 scales must be fp16 or bf16`);
    const activations = actElem === 'uint4' ? 'uint4' : 'int4';
    main = { kind: 'int4', activations, groupSize: pe.groupSize, scaleFormat };
    gscaleBits = 16;
    formats = { act: activations, wgt: 'int4', raw: branch, gscale: scaleFormat, cscale, bias: branch, acc, out: branch, lr: branch };
  }
  return {
    golden: { kind: 'lowrank_gemm', main, accumulation: acc, fmaAccumulation: pe.accumulationFma, epilogue: pe.epilogue, rank: pe.rank, branchFormat: branch },
    bits: { act: 4, wgt: 4, gscale: gscaleBits, selector: 0, cscale: pe.channelScales ? 16 : 0, branch: 16, out: 16 },
    formats,
  };
}

function macTarget(pe: Extract<IrPe, { kind: 'mac' }>): { golden: MacConfig; bits: OperandBits; formats: FormatRegisters } {
  const a = pe.activations;
  const w = pe.weights;
  const accName = pe.accumulator.name;
  const aName = a.kind === 'plain' ? a.format.name : '';
  if (aName === 'int8' && w.kind === 'plain' && w.format.name === 'int8') {
    return {
      golden: { kind: 'mac', variant: 'int8' },
      bits: { act: 8, wgt: 8, gscale: 0, selector: 0, cscale: 0, branch: 0, out: 32 },
      formats: { act: 'int8', wgt: 'int8', raw: 'none', gscale: 'none', cscale: 'none', bias: 'none', acc: 'int32', out: 'int32', lr: 'none' },
    };
  }
  if (aName !== 'fp16') throw new CompileError('unsupported', `mac PE '${pe.name}': activations must be fp16 or int8`);
  if (accName !== 'fp16' && accName !== 'fp32') throw new CompileError('unsupported', `mac PE '${pe.name}': the accumulator must be fp16 or fp32 for fp16 activations`);
  if (w.kind === 'plain' && w.format.name === 'fp16') {
    return {
      golden: { kind: 'mac', variant: 'fp16_fma', accumulator: accName },
      bits: { act: 16, wgt: 16, gscale: 0, selector: 0, cscale: 0, branch: 0, out: 16 },
      formats: { act: 'fp16', wgt: 'fp16', raw: 'none', gscale: 'none', cscale: 'none', bias: 'none', acc: accName, out: 'fp16', lr: 'none' },
    };
  }
  // fp16 × int8-class weights: quantized weights (int4, flint4, …) reach the multiplier as 8-bit integers.
  const scaled = w.kind === 'quantized' && w.groupSize === 0;
  if (!(w.kind === 'plain' && w.format.name === 'int8') && !scaled) throw new CompileError('unsupported', `mac PE '${pe.name}': weights must be fp16, int8 or per-channel scaled`);
  return {
    golden: { kind: 'mac', variant: 'fp16_int8', accumulator: accName },
    bits: { act: 16, wgt: 8, gscale: 0, selector: 0, cscale: scaled ? 16 : 0, branch: 0, out: 16 },
    formats: { act: 'fp16', wgt: 'int8', raw: 'none', gscale: 'none', cscale: scaled ? 'fp16' : 'none', bias: 'none', acc: accName, out: 'fp16', lr: 'none' },
  };
}

function findBuffer(accel: IrAccelerator, role: IrBuffer['role']): IrBuffer | undefined {
  return accel.buffers.find((b) => b.role === role);
}

/** Depth (elements) of the tile engines' per-row/column operand staging in the generated RTL. */
export const RTL_MAX_TILE_K = 1024;

/** Resolves the target of an accelerator (its first array). Throws CompileError for designs it cannot map. */
export function resolveTarget(accel: IrAccelerator, options: TargetOptions = {}): Target {
  const array = accel.arrays[0];
  if (!array) throw new CompileError('unsupported', `accelerator '${accel.name}' has no PE array`);
  const pe = array.pe;
  const simdMode = options.simdMode ?? 0;
  let t: { golden: GoldenConfig; bits: OperandBits; formats: FormatRegisters };
  let groupSize = 1;
  switch (pe.kind) {
    case 'bit_serial_mod':
      t = bitSerialTarget(pe);
      groupSize = pe.groupSize;
      break;
    case 'simd_mac':
      t = simdTarget(pe, simdMode);
      break;
    case 'lowrank_gemm':
      t = lowRankTarget(pe);
      groupSize = pe.groupSize;
      break;
    case 'mac':
      t = macTarget(pe);
      break;
    default: {
      const never: never = pe;
      throw new CompileError('unsupported', `unknown PE kind ${JSON.stringify(never)}`);
    }
  }
  const actBuf = findBuffer(accel, 'activations') ?? findBuffer(accel, 'unified');
  const wgtBuf = findBuffer(accel, 'weights') ?? findBuffer(accel, 'unified');
  if (!actBuf || !wgtBuf) throw new CompileError('unsupported', `accelerator '${accel.name}' needs an activations and a weights buffer`);
  const outBuf = findBuffer(accel, 'outputs');
  const unified = findBuffer(accel, 'unified');
  const sameUnified = unified && (unified === actBuf || unified === wgtBuf);
  let act = actBuf.bytes;
  let wgt = wgtBuf.bytes;
  let out: number;
  if (outBuf) out = outBuf.bytes;
  else {
    out = Math.floor(act / 4);
    act -= out;
  }
  let meta: number;
  let lrw: number;
  if (unified && !sameUnified) {
    meta = Math.floor(unified.bytes / 2);
    lrw = unified.bytes - meta;
  } else {
    meta = Math.floor(wgt / 8);
    wgt -= meta;
    lrw = 0;
  }
  const rank = pe.kind === 'lowrank_gemm' ? pe.rank : 0;
  const port = (b: IrBuffer | undefined, bytes: number): number => (b && bytes > 0 ? Math.max(1, Math.floor((b.banks * b.widthBits) / 8)) : 0);
  const metaBuf = unified && !sameUnified ? unified : wgtBuf;
  return {
    accelerator: accel,
    array,
    pe,
    golden: t.golden,
    bits: t.bits,
    formats: t.formats,
    simdMode,
    groupSize,
    capacity: { act, wgt, meta, out, lrw },
    actReadBytesPerCycle: (actBuf.banks * actBuf.widthBits) / 8,
    wgtReadBytesPerCycle: (wgtBuf.banks * wgtBuf.widthBits) / 8,
    portBytes: { act: port(actBuf, act), wgt: port(wgtBuf, wgt), meta: port(metaBuf, meta), lrw: port(unified, lrw), out: port(outBuf ?? actBuf, out) },
    // the low-rank PE declares its K tile (one or more scale groups per GEMM step): the engine stages that
    // many elements per row and column, not the generic depth
    maxTileK: pe.kind === 'lowrank_gemm' ? Math.min(pe.tileK, RTL_MAX_TILE_K) : RTL_MAX_TILE_K,
    accEntries: array.rows * array.cols,
    lrtEntries: array.cols * Math.max(rank, 1),
  };
}
