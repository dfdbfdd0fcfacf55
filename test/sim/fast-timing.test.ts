/**
 * Timing-only simulation by periods (src/sim/fast-timing.ts) gives exactly the statistics of the
 * tile-by-tile run of the flattened program — every counter, not only the cycle total — on every example
 * accelerator (every XR-NPE mode), shapes ragged in m, n and k, buffer spaces shrunk so that the reduction
 * takes several k tiles, and tightened ISA limits that split the DMAs. The oracle is the plain Machine on
 * the straight-line program. Also: the plan's repeats really are uniform (the invariant the jump relies
 * on), the fast path simulates only a few of a big GEMM's instructions, and sizes beyond what qacc can
 * count or hold are refused at once with the bound named.
 */
import { describe, expect, it } from 'vitest';
import { compileGemm, CompileError, flattenPlan, planLength, resolveTarget, type PlanNode, type Target } from '../../src/compile/index.js';
import type { IsaLimits } from '../../src/compile/isa-limits.js';
import type { Instruction } from '../../src/isa/index.js';
import { ARITHMETIC_MEMORY_LIMIT, Machine, type MachineStats, runGemm, runPlanTiming, timingContent } from '../../src/sim/index.js';
import { exampleAccelerators } from './helpers.js';

const cases: { name: string; target: Target }[] = [];
for (const file of ['bitmod', 'svdquant', 'xr-npe']) {
  for (const accel of exampleAccelerators(file)) {
    const modes = accel.arrays[0].pe.kind === 'simd_mac' ? accel.arrays[0].pe.modes.length : 1;
    for (let mode = 0; mode < modes; mode++) cases.push({ name: `${accel.name}${modes > 1 ? ` mode ${mode}` : ''}`, target: resolveTarget(accel, { simdMode: mode }) });
  }
}

/** A copy of a target whose act/wgt spaces hold two slots of about 256 elements per array row / column (several k tiles). */
function shrink(t: Target): Target {
  const bytes = 2 * Math.max(t.array.rows, t.array.cols) * 32 * Math.max(t.bits.act, t.bits.wgt, t.bits.branch);
  return { ...t, capacity: { ...t.capacity, act: Math.min(bytes, t.capacity.act), wgt: Math.min(bytes, t.capacity.wgt) } };
}

/** Shapes in units of the array (cols tokens, rows channels): ragged and whole, 1 to 6 tiles per loop. */
function shapes(t: Target): [number, number, number][] {
  const c = t.array.cols;
  const r = t.array.rows;
  return [
    [1, 8, 1],
    [4 * c, 256, 5 * r],
    [3 * c + 1, 1000, 4 * r + 3],
    [6 * c - 5, 2504, 2 * r + 1],
    [c + 7, 4096, 6 * r],
  ];
}

const variants: { name: string; shrink?: boolean; limits?: Partial<IsaLimits> }[] = [
  { name: 'as declared' },
  { name: 'shrunk act/wgt (several k tiles)', shrink: true },
  { name: 'tight DMA limits (split loads)', limits: { dmaRowBytes: 48, dmaRows: 3 } },
];

function fullStats(t: Target, program: Instruction[]): MachineStats {
  return new Machine(t, program, undefined, { timingOnly: true }).run();
}

describe('timing-only by periods = tile by tile', () => {
  // One test per (design, variant, shape), so that none holds its worker for long (bitmod's 15 took 57 s as one).
  for (const { name, target } of cases) {
    let compared = 0;
    for (const v of variants) {
      const t = v.shrink ? shrink(target) : target;
      for (const [m, k, n] of shapes(t)) {
        it(`${name}, ${v.name}, ${m}×${k}×${n}: every statistic equal`, () => {
          let c;
          try {
            c = compileGemm(t, { m, k, n }, undefined, { timingOnly: true, ...(v.limits ? { limits: v.limits } : {}) });
          } catch (e) {
            // the two refusals these shapes may meet, and no other: K beyond the SIMD MAC's max_dot_length, and
            // (bitmod's long K under split DMAs) a program beyond the instruction memory even with loops
            if (!(e instanceof CompileError)) throw e;
            expect(e.message, `${v.name}, ${m}×${k}×${n}`).toMatch(/exceeds the SIMD MAC's max_dot_length|even with loops, the instruction memory holds/);
            return;
          }
          if (v.shrink && k >= 1000) expect(c.tiling.kTiles, `${v.name}, ${m}×${k}×${n}`).toBeGreaterThan(1);
          const want = fullStats(t, [...c.program]);
          const work = { simulated: 0 };
          const got = runPlanTiming(t, c.plan, { work });
          expect(got, `${v.name}, ${m}×${k}×${n}`).toEqual(want);
          expect(work.simulated).toBeLessThanOrEqual(planLength(c.plan));
          compared++;
        });
      }
    }
    it(`${name}: at least 10 ragged shapes compared`, () => {
      expect(compared).toBeGreaterThanOrEqual(10);
    });
  }

  // The DMA protocol's corners (docs/simulator.md "DRAM"): the in-flight state is part of the period key
  // and shifts with a jump; one example accelerator per PE kind, shrunk so the reduction takes k tiles.
  for (const [outstanding, latency] of [[1, 200], [2, 1], [3, 17], [16, 64]] as const) {
    it(`dram_outstanding = ${outstanding}, dram_latency = ${latency}: every statistic equal`, () => {
      let compared = 0;
      for (const name of ['bitmod', 'fp16_baseline', 'svdquant_w4a4', 'xr_npe mode 1']) {
        const base = cases.find((c) => c.name === name)?.target;
        if (!base) throw new Error(`no case ${name}`);
        const t = shrink({ ...base, accelerator: { ...base.accelerator, dramOutstanding: outstanding, dramLatencyCycles: latency } });
        for (const [m, k, n] of shapes(t).slice(1, 4)) {
          const c = compileGemm(t, { m, k, n }, undefined, { timingOnly: true });
          expect(runPlanTiming(t, c.plan), `${name}, ${m}×${k}×${n}`).toEqual(fullStats(t, [...c.program]));
          compared++;
        }
      }
      expect(compared).toBe(12);
    });
  }

  it('runGemm takes the fast path for timing-only runs and agrees with the arithmetic run', () => {
    for (const { target } of cases) {
      const shape = { m: 2 * target.array.cols + 3, k: 200, n: 3 * target.array.rows + 1 };
      const arithmetic = runGemm(target, shape, { seed: 4 });
      const timing = runGemm(target, shape, { timingOnly: true });
      expect(arithmetic.matchGolden).toBe(true);
      expect(timing.stats).toEqual(arithmetic.stats);
    }
  });
});

/** How many times a loop program dispatches a `loop` instruction. */
function loopEntries(program: readonly Instruction[]): number {
  const count = (from: number, to: number): number => {
    let n = 0;
    for (let pc = from; pc < to; pc++) {
      const inst = program[pc];
      if (inst.kind !== 'loop') continue;
      n += 1 + inst.count * count(pc + 1, pc + 1 + inst.body);
      pc += inst.body;
    }
    return n;
  };
  return count(0, program.length);
}

/** Every repeat of a plan, with its nesting path. */
function repeats(node: PlanNode, path = 'plan', out: { path: string; node: Extract<PlanNode, { kind: 'repeat' }> }[] = []): typeof out {
  if (node.kind === 'seq') node.items.forEach((item, i) => repeats(item, `${path}.${i}`, out));
  if (node.kind === 'repeat') {
    out.push({ path, node });
    for (let i = 0; i < node.count; i++) repeats(node.body(i), `${path}[${i}]`, out);
  }
  return out;
}

describe('the compiler plan', () => {
  it('repeats are uniform: every iteration has the same timing content', () => {
    for (const { name, target } of cases) {
      for (const t of [target, shrink(target)]) {
        const { m, k, n } = { m: 4 * t.array.cols + 5, k: 1000, n: 4 * t.array.rows + 3 };
        const c = compileGemm(t, { m, k, n }, undefined, { timingOnly: true });
        // the compiler's straight-line plan (the timing plan of the loop program repeats identical bodies)
        const found = repeats(c.straightPlan);
        expect(found.length, name).toBeGreaterThan(0);
        for (const { path, node } of found) {
          const first = flattenPlan(node.body(0)).map(timingContent);
          for (let i = 1; i < node.count; i++) expect(flattenPlan(node.body(i)).map(timingContent), `${name} ${path}[${i}]`).toEqual(first);
        }
        expect(planLength(c.straightPlan)).toBe(flattenPlan(c.straightPlan).length);
        // the timing plan is the loop program's dispatch stream: as long as the straight line plus one word a loop entry
        expect(planLength(c.plan)).toBe(planLength(c.straightPlan) + loopEntries(c.program));
      }
    }
  });
});

/** Instructions of a plan that go to a queue (what MachineStats.instructions counts), without flattening. */
function queued(node: PlanNode): number {
  if (node.kind === 'code') return node.emit().filter((i) => !['seti', 'addi', 'loop', 'halt'].includes(i.kind)).length;
  if (node.kind === 'seq') return node.items.reduce((s, item) => s + queued(item), 0);
  return node.count * queued(node.body(0));
}

describe('big GEMMs', () => {
  it('4096³ timing-only simulates a small fraction of its instructions', () => {
    for (const { name, target } of cases) {
      const shape = { m: 4096, k: 4096, n: 4096 };
      let c;
      try {
        c = compileGemm(target, shape, undefined, { timingOnly: true });
      } catch (e) {
        if (e instanceof CompileError) continue;
        throw e;
      }
      const work = { simulated: 0 };
      const stats = runPlanTiming(target, c.plan, { work });
      const total = planLength(c.plan);
      expect(stats.instructions, name).toBe(queued(c.plan));
      expect(stats.macs).toBe(4096 ** 3);
      // The repeating part is not simulated: what is simulated stays a few percent (svdquant's first m tile
      // differs from the rest since its code panel is quantized in the first n tile of each m tile, so one m
      // tile of 32 is simulated: 3.6%) and does not grow with M.
      expect(work.simulated, name).toBeLessThan(total / 20);
      const half = compileGemm(target, { ...shape, m: 2048 }, undefined, { timingOnly: true });
      const halfWork = { simulated: 0 };
      runPlanTiming(target, half.plan, { work: halfWork });
      expect(work.simulated, name).toBeLessThanOrEqual(Math.max(halfWork.simulated * 1.1, total / 100));
    }
  });

  it('sizes beyond the ISA, exact counting or memory are refused at once, naming the bound', () => {
    const bitmod = cases[0].target;
    // the ISA's 40-bit DRAM addresses, for timing-only and arithmetic runs alike
    for (const timingOnly of [true, false]) {
      expect(() => runGemm(bitmod, { m: 16777216, k: 16777216, n: 16777216 }, { timingOnly })).toThrow(/2\^53 − 1/);
      expect(() => runGemm(bitmod, { m: 16777216, k: 65536, n: 16 }, { timingOnly })).toThrow(/DRAM image; the ISA addresses at most 1099511627776 bytes/);
    }
    // an arithmetic run that would not fit memory names the limit and the way out
    expect(() => runGemm(bitmod, { m: 16384, k: 16384, n: 16384 })).toThrow(new RegExp(`limit of ${ARITHMETIC_MEMORY_LIMIT / 2 ** 30} GiB.*--timing-only`));
  });
});
