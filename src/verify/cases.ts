/**
 * The cases `qacc verify` runs: for every accelerator of a design (and every SIMD mode of a simd_mac PE)
 * a list of directed corner cases plus N seeded random workloads, each one GEMM with its operands — or,
 * with a chain workload, each a layer chain (`chained`: layer i with seed + i, one program, program-run.ts).
 *
 * A case is fully described by a `CaseSpec` — accelerator, SIMD mode, content generator, shape, seed —
 * and its id spells that spec (`<accelerator>[@<mode>]/<content>/<m>x<k>x<n>[,…]/s<seed>`), so `--case <id>`
 * rebuilds exactly one case without re-planning (what a mismatch report's repro line uses).
 *
 * Operands of a case: the seeded random operands of the workload compiler (src/compile/operands.ts),
 * then the content generator overwrites some tensors:
 * - `random`: nothing (random operands, used on the directed shapes and the random workloads);
 * - `zeros`: every multiplicand (activations, weights, low-rank inputs) is the zero code;
 * - `extremes`: every third multiplicand element cycles through max, min, min positive and −min positive
 *   of its format (the others stay random);
 * - `scales`: scale tensors (group/channel/block scales, bias) cycle through the same four values;
 * - `special`: a few NaN / ±inf / NaR codes at fixed positions of every tensor whose format has them;
 * - `dtype<i>`: a mixture's groups all select candidate i (weights redrawn in that datatype).
 * - `tiny`: results near the bottom of a float output format (its subnormals, where output rounding and
 *   gradual underflow are exercised): float activations (the activation scales where activations are
 *   integers, and raw low-rank activations) become ±minPositive · 2^(i mod p) of their format (p ≤ 8 chosen
 *   from the decoded weights so the largest dot product stays below the smallest normal output), the other
 *   scales 1 and biases 0; applies when the output format and those operands have subnormals.
 * Directed shapes (random content): 1×1×1, exactly one group, a short last group (2·G+1), a shape not
 * divisible by the array (cols+1 × rows+1) and, when the buffers allow it within a small budget, a K
 * split over several k tiles. Directed contents run on the short-last-group shape.
 *
 * Random workloads: workload j of seed S uses seed S + j for its shape (m ≤ 10, n ≤ rows + 3,
 * k ≤ max(3·G, 96)) and its operands.
 */
import { CompileError } from '../compile/errors.js';
import { randomOperands, type AnyOperands } from '../compile/operands.js';
import { chooseTiling, compileGemm, type CompiledGemm } from '../compile/program.js';
import { resolveTarget, type Target } from '../compile/target.js';
import { MAX_DIM, type GemmShape } from '../compile/workload.js';
import { FloatFormat } from '../formats/float.js';
import { seededRandom } from '../formats/random.js';
import { lookupFormat } from '../formats/registry.js';
import type { NumberFormatBase } from '../formats/types.js';
import type { IrAccelerator, IrDesign } from '../ir/types.js';
import { compileFacet, type TargetOf } from '../pe/facets/compile.js';
import { verifyFacet } from '../pe/facets/verify.js';
import type { PeKind } from '../pe/kinds.js';
import { checkChain, prepareChain, type ProgramRun } from './program-run.js';
import { isUserFacing, VerifyError } from './errors.js';
import { copyOperands, type Roles, type Tensor } from './roles.js';

/** What a case's operands hold beyond the seeded random ones (see the file header). */
export type CaseContent =
  | { readonly kind: 'random' }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'extremes' }
  | { readonly kind: 'scales' }
  | { readonly kind: 'special' }
  | { readonly kind: 'tiny' }
  | { readonly kind: 'dtype'; readonly candidate: number };

/** Everything that determines one case. */
export interface CaseSpec {
  readonly accelerator: string;
  /** simd_mac: the SIMD mode index; undefined for other PE kinds. */
  readonly mode: number | undefined;
  readonly content: CaseContent;
  /** The GEMM, or a chain's first layer. */
  readonly shape: GemmShape;
  /** A layer chain's later layers (one program, compile/chain.ts); absent for one GEMM. */
  readonly chained?: readonly GemmShape[];
  readonly seed: number;
}

/** Every layer of a case, in order (one for a plain GEMM). */
export function caseShapes(spec: Pick<CaseSpec, 'shape' | 'chained'>): readonly GemmShape[] {
  return [spec.shape, ...(spec.chained ?? [])];
}

/** A planned case: its spec, id and a readable purpose. */
export interface VerifyCase extends CaseSpec {
  readonly id: string;
  /** Why the case exists, e.g. "directed: shape not divisible by the array". */
  readonly purpose: string;
}

/** One accelerator (in one SIMD mode) to verify. */
export interface VerifyTarget {
  readonly accelerator: IrAccelerator;
  readonly mode: number | undefined;
  readonly target: Target;
  /** `name` or `name@mode`, the prefix of its case ids. */
  readonly label: string;
}

/**
 * A case ready for the backends: the program-level run (every layer's operands, the program and its packed
 * memory image), and for the single-GEMM backends the first layer's operands and its program alone.
 */
export interface PreparedCase {
  readonly case: VerifyCase;
  readonly target: Target;
  readonly run: ProgramRun;
  readonly operands: AnyOperands;
  readonly compiled: CompiledGemm;
  /** Format of the output codes (for decimal values in reports). */
  readonly outputFormat: NumberFormatBase;
}

/** The plan: cases in a deterministic order, plus notes on directed cases that do not apply. */
export interface CasePlan {
  readonly cases: readonly VerifyCase[];
  readonly notes: readonly string[];
}

export interface PlanOptions {
  /** Run every case on this shape instead of the directed and random shapes. */
  readonly shape?: GemmShape;
  /** With `shape`: the later layers of a chain every case runs (checked against every target first). */
  readonly chained?: readonly GemmShape[];
  /** Random workloads per target. */
  readonly vectors: number;
  readonly seed: number;
}

/** The largest directed multi-k-tile case, in MACs (keeps the default run fast). */
const K_TILES_BUDGET = 1_500_000;

// ---------------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------------

function labelOf(accel: string, mode: number | undefined): string {
  return mode === undefined ? accel : `${accel}@${mode}`;
}

/**
 * Every accelerator of a design, once per variant of its PE (CompileFacet.variants: a simd_mac PE's SIMD
 * modes) when it has several. Throws CompileError for unmappable designs.
 */
export function verifyTargets(design: IrDesign): VerifyTarget[] {
  const out: VerifyTarget[] = [];
  for (const accel of design.accelerators) {
    const pe = accel.arrays[0]?.pe;
    const count = pe ? compileFacet(pe.kind).variants(pe) : 1;
    const modes = count > 1 ? Array.from({ length: count }, (_, i) => i) : [undefined];
    for (const mode of modes) out.push({ accelerator: accel, mode, target: resolveTarget(accel, { simdMode: mode ?? 0 }), label: labelOf(accel.name, mode) });
  }
  return out;
}

/** The target a spec names. Throws VerifyError('bad-case') when the design has no such accelerator or mode. */
export function findTarget(targets: readonly VerifyTarget[], spec: Pick<CaseSpec, 'accelerator' | 'mode'>): VerifyTarget {
  const t = targets.find((x) => x.accelerator.name === spec.accelerator && x.mode === spec.mode);
  if (t) return t;
  const label = labelOf(spec.accelerator, spec.mode);
  throw new VerifyError('bad-case', `case target '${label}' is not in the design (it has ${targets.map((x) => x.label).join(', ')})`);
}

// ---------------------------------------------------------------------------------------------------
// Case ids
// ---------------------------------------------------------------------------------------------------

function contentName(c: CaseContent): string {
  return c.kind === 'dtype' ? `dtype${c.candidate}` : c.kind;
}

/** `<accelerator>[@<mode>]/<content>/<m>x<k>x<n>[,<m>x<k>x<n>…]/s<seed>` (a chain lists its layers). */
export function caseId(spec: CaseSpec): string {
  const shapes = caseShapes(spec).map(({ m, k, n }) => `${m}x${k}x${n}`);
  return `${labelOf(spec.accelerator, spec.mode)}/${contentName(spec.content)}/${shapes.join(',')}/s${spec.seed}`;
}

const ID = /^([A-Za-z_][A-Za-z0-9_]*)(?:@(\d+))?\/(random|zeros|extremes|scales|special|tiny|dtype(\d+))\/(\d+x\d+x\d+(?:,\d+x\d+x\d+){0,7})\/s(-?\d+)$/;

/** Parses a case id; throws VerifyError('bad-case') for a malformed one. */
export function parseCaseId(id: string): CaseSpec {
  const m = ID.exec(id.trim());
  if (!m) throw new VerifyError('bad-case', `--case '${id}' is not a case id (expected <accelerator>[@<mode>]/<content>/<m>x<k>x<n>[,<m>x<k>x<n>…]/s<seed>, as printed in a report)`);
  const shapes = m[5].split(',').map((s) => s.split('x').map(Number));
  if (shapes.flat().some((d) => d < 1 || d > MAX_DIM)) throw new VerifyError('bad-case', `--case '${id}': dimensions must be in 1..${MAX_DIM}`);
  const [first, ...chained] = shapes.map(([mm, k, n]) => ({ m: mm, k, n }));
  const seed = Number(m[6]);
  if (!Number.isSafeInteger(seed)) throw new VerifyError('bad-case', `--case '${id}': bad seed`);
  const kind = m[4] !== undefined ? 'dtype' : m[3];
  const content: CaseContent = kind === 'dtype' ? { kind: 'dtype', candidate: Number(m[4]) } : ({ kind } as CaseContent);
  return { accelerator: m[1], mode: m[2] === undefined ? undefined : Number(m[2]), content, shape: first, ...(chained.length > 0 ? { chained } : {}), seed };
}

function makeCase(spec: CaseSpec, purpose: string): VerifyCase {
  return { ...spec, id: caseId(spec), purpose };
}

// ---------------------------------------------------------------------------------------------------
// Operand roles: which tensors multiply, which scale, in which format
// ---------------------------------------------------------------------------------------------------

export type { Roles, Tensor } from './roles.js';

/** The operand tensors of a target by role, from its kind's VerifyFacet. */
function roles(target: Target, ops: AnyOperands): Roles {
  return verifyFacet(target.pe.kind).roles(target as TargetOf<PeKind>, ops);
}

/** Whether two contents are the same generator (same id part). */
function sameContent(a: CaseContent, b: CaseContent): boolean {
  return contentName(a) === contentName(b);
}

/** Codes of a format's notable values. */
interface Notable {
  readonly zero: number;
  /** max, min, min positive, −min positive (the last only for signed formats). */
  readonly extremes: readonly number[];
  /** NaN / NaR, +inf, −inf codes the format has (possibly none). */
  readonly specials: readonly number[];
}

const notableCache = new Map<NumberFormatBase, Notable>();

function notable(f: NumberFormatBase): Notable {
  const hit = notableCache.get(f);
  if (hit) return hit;
  const extremes = [f.encode(f.max), f.encode(f.min), f.encode(f.minPositive)];
  if (f.min < 0) extremes.push(f.encode(-f.minPositive));
  const specials: number[] = [];
  if (f.bits <= 16) {
    let nan: number | undefined;
    let pinf: number | undefined;
    let ninf: number | undefined;
    for (const c of f.codes()) {
      if (nan === undefined && (f.isNaN(c) || f.isNaR(c))) nan = c;
      else if (f.isInf(c)) {
        if (f.decode(c) > 0) pinf ??= c;
        else ninf ??= c;
      }
    }
    for (const c of [nan, pinf, ninf]) if (c !== undefined) specials.push(c);
  }
  const n: Notable = { zero: f.encode(0), extremes, specials };
  notableCache.set(f, n);
  return n;
}

/** Whether a content generator changes anything on a target (directed cases that do not apply are not planned). */
export function contentApplies(target: Target, content: CaseContent): boolean {
  const probe = randomOperands(target, { m: 2, k: 2 * Math.max(target.groupSize, 1) + 1, n: 2 }, 1);
  const r = roles(target, probe);
  switch (content.kind) {
    case 'random':
    case 'zeros':
    case 'extremes':
      return true;
    case 'scales':
      return r.scales.length > 0;
    case 'special':
      return [...r.multiplicands, ...r.scales].some((t) => notable(t.formatAt(0)).specials.length > 0);
    case 'dtype':
      return verifyFacet(target.pe.kind).extraContents(target as TargetOf<PeKind>).some((x) => sameContent(x.content, content));
    case 'tiny':
      return hasSubnormals(outputFormat(target)) && [...r.multiplicands, ...r.scales].some((t) => ['activations', 'sa', 'x'].includes(t.name) && hasSubnormals(t.formatAt(0)));
    default: {
      const never: never = content;
      throw new Error(`unknown content ${JSON.stringify(never)}`);
    }
  }
}

function fillPattern(t: Tensor, pick: (n: Notable, i: number) => number): void {
  for (let i = 0; i < t.codes.length; i++) t.codes[i] = pick(notable(t.formatAt(i)), i);
}

/** A few positions of a tensor: the second element, the last one and the start of the last row. */
function specialPositions(t: Tensor): number[] {
  const len = t.codes.length;
  const pos = [Math.min(1, len - 1), len - 1, len - t.cols];
  return [...new Set(pos.filter((p) => p >= 0))];
}

/** The operands of a case on its target (see the file header). */
export function caseOperands(target: Target, spec: CaseSpec): AnyOperands {
  const ops = copyOperands(randomOperands(target, spec.shape, spec.seed));
  const c = spec.content;
  switch (c.kind) {
    case 'random':
      return ops;
    case 'zeros':
      for (const t of roles(target, ops).multiplicands) fillPattern(t, (n) => n.zero);
      return ops;
    case 'extremes':
      // Every third element (shifted per tensor so extremes also meet random values): dense extremes
      // would overflow every output and hide the rest of the arithmetic.
      roles(target, ops).multiplicands.forEach((t, j) => {
        for (let i = 0; i < t.codes.length; i++) {
          if ((i + j) % 3 !== 0) continue;
          const e = notable(t.formatAt(i)).extremes;
          t.codes[i] = e[Math.floor(i / 3) % e.length];
        }
      });
      return ops;
    case 'scales':
      for (const t of roles(target, ops).scales) fillPattern(t, (n, i) => n.extremes[i % n.extremes.length]);
      return ops;
    case 'special': {
      const r = roles(target, ops);
      for (const t of [...r.multiplicands, ...r.scales]) {
        specialPositions(t).forEach((p, j) => {
          const s = notable(t.formatAt(p)).specials;
          if (s.length > 0) t.codes[p] = s[j % s.length];
        });
      }
      return ops;
    }
    case 'tiny': {
      // Tiny activations (or activation scales, where activations are integers) with unit scales and
      // zero bias keep the results at the bottom of the output format; the other operands stay random.
      const r = roles(target, ops);
      const tinyNames = new Set(['activations', 'sa', 'x']);
      // Magnitudes minPositive · 2^(i mod p), p as large as keeps the largest possible dot product
      // (Σ_k |weight|, weights decoded) below the output's smallest normal, so most results are subnormal.
      const out = outputFormat(target) as FloatFormat;
      const minNormal = out.minPositive * 2 ** out.mantissaBits;
      const w = r.multiplicands[1];
      const k = spec.shape.k;
      let wSum = 0;
      for (let j = 0; j * k < w.codes.length; j++) {
        let sum = 0;
        for (let i = j * k; i < (j + 1) * k && i < w.codes.length; i++) sum += Math.abs(w.formatAt(i).decode(w.codes[i])) || 0;
        wSum = Math.max(wSum, sum);
      }
      const tiny = (t: Tensor): void => {
        const minPos = t.formatAt(0).minPositive;
        const p = Math.max(1, Math.min(8, Math.floor(Math.log2(minNormal / (minPos * Math.max(wSum, 1)))) + 1));
        for (let i = 0; i < t.codes.length; i++) {
          const f = t.formatAt(i);
          t.codes[i] = f.encode(f.minPositive * 2 ** (i % p) * (i % 2 === 1 && f.min < 0 ? -1 : 1));
        }
      };
      for (const t of [...r.multiplicands, ...r.scales]) {
        if (tinyNames.has(t.name) && hasSubnormals(t.formatAt(0))) tiny(t);
        else if (r.scales.includes(t)) t.codes.fill(t.formatAt(0).encode(t.name === 'bias' ? 0 : 1));
      }
      return ops;
    }
    case 'dtype':
      if (!verifyFacet(target.pe.kind).applyContent(target as TargetOf<PeKind>, ops, c, spec.seed)) throw new VerifyError('bad-case', `dtype${c.candidate}: the target has no mixture candidate ${c.candidate}`);
      return ops;
    default: {
      const never: never = c;
      throw new Error(`unknown content ${JSON.stringify(never)}`);
    }
  }
}

/** Whether a format has subnormal values (every IEEE-style float with a mantissa field does; E8M0 has none). */
function hasSubnormals(f: NumberFormatBase): boolean {
  return f instanceof FloatFormat && f.mantissaBits > 0;
}

/** Output code format of a target. */
export function outputFormat(target: Target): NumberFormatBase {
  return lookupFormat(target.formats.out);
}

/**
 * Builds the operands and compiles the program and memory image of a case (a chain's layer i takes the
 * case's content with seed + i, as one program). Throws CompileError for shapes the target cannot run,
 * VerifyError for a chain it refuses.
 */
export function prepareCase(t: VerifyTarget, c: VerifyCase): PreparedCase {
  if (!contentApplies(t.target, c.content)) throw new VerifyError('bad-case', `case ${c.id}: content '${contentName(c.content)}' does not apply to ${t.label} (${t.target.pe.kind})`);
  const outFormat = outputFormat(t.target);
  if (c.chained) {
    const shapes = caseShapes(c);
    const ops = shapes.map((shape, i) => caseOperands(t.target, { ...c, shape, seed: c.seed + i }));
    const { run, first } = prepareChain(t.target, t.label, shapes, ops);
    return { case: c, target: t.target, run, operands: ops[0], compiled: first, outputFormat: outFormat };
  }
  const operands = caseOperands(t.target, c);
  const compiled = compileGemm(t.target, c.shape, operands);
  if (!compiled.dram) throw new Error(`case ${c.id}: compiled without a memory image`);
  const run: ProgramRun = { layers: [{ shape: c.shape, operands, y: compiled.layout.y, pc: 0 }], program: compiled.program, dram: compiled.dram };
  return { case: c, target: t.target, run, operands, compiled, outputFormat: outFormat };
}

// ---------------------------------------------------------------------------------------------------
// Planning
// ---------------------------------------------------------------------------------------------------

/** Reduction elements per "group" used for directed shapes (a scale group, or 16 for kinds without). */
function groupOf(t: Target): number {
  return t.groupSize > 1 ? t.groupSize : 16;
}

/** The longest K the target's kind accepts (CompileFacet.checkShape, monotone in K), at most `cap`. */
function maxK(t: Target, cap: number): number {
  const fits = (k: number): boolean => {
    try {
      compileFacet(t.pe.kind).checkShape(t as TargetOf<PeKind>, { m: 1, k, n: 1 });
      return true;
    } catch (err) {
      if (err instanceof CompileError) return false;
      throw err;
    }
  };
  if (fits(cap)) return cap;
  let lo = 0;
  let hi = cap;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** A shape whose K spans more than one k tile, within the budget, or undefined. */
function multiKTileShape(t: Target): GemmShape | undefined {
  const kMax = maxK(t, 1 << 20);
  let best: GemmShape | undefined;
  for (const [m, n] of [
    [1, 1],
    [1, t.array.rows],
    [t.array.cols, 1],
    [t.array.cols, t.array.rows],
  ]) {
    let kt: number;
    let kAlign: number;
    try {
      ({ kt, kAlign } = chooseTiling(t, { m, k: kMax, n }));
    } catch (err) {
      if (err instanceof CompileError) continue;
      throw err;
    }
    const k = kt + Math.min(kAlign, 8) + 3;
    if (k > kMax) continue;
    if (m * n * k > K_TILES_BUDGET) continue;
    try {
      // The tiling may pick k tiles the ISA cannot address (e.g. a DMA row longer than its 16-bit field).
      compileGemm(t, { m, k, n }, undefined, { timingOnly: true });
    } catch (err) {
      if (isUserFacing(err)) continue;
      throw err;
    }
    if (!best || m * n * k < best.m * best.n * best.k) best = { m, k, n };
  }
  return best;
}

function randomShape(t: Target, seed: number): GemmShape {
  const rng = seededRandom(seed);
  const below = (n: number): number => 1 + Math.floor(rng.nextFloat() * n);
  const kCap = maxK(t, Math.max(3 * groupOf(t), 96));
  const m = below(10);
  const n = below(t.array.rows + 3);
  const k = below(kCap);
  return { m, k, n };
}

/** The cases of every target, in a deterministic order (targets in design order; directed, then random). */
export function planCases(targets: readonly VerifyTarget[], options: PlanOptions): CasePlan {
  const cases: VerifyCase[] = [];
  const notes: string[] = [];
  const seed = options.seed;
  const chained = options.shape && options.chained && options.chained.length > 0 ? options.chained : undefined;
  for (const t of targets) {
    if (chained) notes.push(checkChain(t.target, t.label, [options.shape as GemmShape, ...chained]));
    const base = { accelerator: t.accelerator.name, mode: t.mode, ...(chained ? { chained } : {}) };
    const add = (content: CaseContent, shape: GemmShape, s: number, purpose: string): void => {
      if (contentApplies(t.target, content)) cases.push(makeCase({ ...base, content, shape, seed: s }, purpose));
    };
    const G = groupOf(t.target);
    const contentShape = options.shape ?? { m: 2, k: 2 * G + 1, n: 3 };
    if (!options.shape) {
      add({ kind: 'random' }, { m: 1, k: 1, n: 1 }, seed, 'directed: the smallest GEMM');
      add({ kind: 'random' }, { m: 2, k: G, n: 3 }, seed, 'directed: K is exactly one group');
      add({ kind: 'random' }, contentShape, seed, 'directed: a short last group (K = 2·group + 1)');
      add({ kind: 'random' }, { m: t.target.array.cols + 1, k: G + 3, n: t.target.array.rows + 1 }, seed, 'directed: shape not divisible by the array');
      const kt = multiKTileShape(t.target);
      if (kt) add({ kind: 'random' }, kt, seed, 'directed: K split over several k tiles');
      else notes.push(`${t.label}: no multi-k-tile case (K fits one tile, or needs more than ${K_TILES_BUDGET} MACs)`);
    }
    add({ kind: 'zeros' }, contentShape, seed, 'directed: zero activations and weights');
    add({ kind: 'extremes' }, contentShape, seed, 'directed: max/min/min-positive operands');
    add({ kind: 'scales' }, contentShape, seed, 'directed: max/min/min-positive scales');
    if (contentApplies(t.target, { kind: 'special' })) add({ kind: 'special' }, contentShape, seed, 'directed: NaN/NaR/inf operands');
    else notes.push(`${t.label}: no NaN/NaR/inf case (no operand format has such codes)`);
    add({ kind: 'tiny' }, contentShape, seed, 'directed: results in the output format\'s subnormal range');
    for (const x of verifyFacet(t.target.pe.kind).extraContents(t.target as TargetOf<PeKind>)) add(x.content, contentShape, seed, x.purpose);
    for (let j = 0; j < options.vectors; j++) {
      const s = seed + j;
      const shape = options.shape ?? randomShape(t.target, s);
      add({ kind: 'random' }, shape, s, `random workload ${j + 1} of ${options.vectors}`);
    }
  }
  return { cases, notes };
}

/** The single case a `--case` id names, checked against the design. */
export function caseFromId(targets: readonly VerifyTarget[], id: string): VerifyCase {
  const spec = parseCaseId(id);
  const t = findTarget(targets, spec);
  if (!contentApplies(t.target, spec.content)) throw new VerifyError('bad-case', `case ${id}: content '${contentName(spec.content)}' does not apply to ${t.label} (${t.target.pe.kind})`);
  return makeCase(spec, 'selected with --case');
}
