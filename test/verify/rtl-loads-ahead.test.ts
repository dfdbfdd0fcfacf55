/**
 * Loads running several steps ahead on the RTL (schedule/choose.ts loadsAhead, docs/scheduler.md): on
 * xr-npe (simd_mac, nothing loaded per step) a GEMM with many n tiles and one k tile takes the `both`
 * schedule in blocks of n tiles, whose program starts with more than two free input-slot tokens, walks odd
 * blocks' m tiles backwards (the block boundary's activation panel is not reloaded), cuts the panels into
 * pieces, and gives back tokens at the start of a short last block. `qacc verify --backends golden,sim,rtl
 * --trace` then checks outputs, cycle counts and per-cycle traces: a slot reloaded before its last read, or a
 * token count the RTL does not follow, fails here. The test first checks the program has each of these
 * features, so it cannot pass on the double-buffered schedule. Also the issue-13 target on the full-size
 * example: the 256×1024×1024 GEMM within 1.2× of its compute bound (timing only, cycles are simulated, not timed).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compileGemm, flattenPlan, resolveTarget } from '../../src/compile/index.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { parseWorkload } from '../../src/compile/workload.js';
import { simulateWorkload } from '../../src/sim/run.js';
import { runCli } from '../cli/fake-io.js';
import { ROOT } from './orchestration-helpers.js';
import { expectRtlTraceAgreement } from './verify-report.js';

const EX = `${ROOT}/examples/xr-npe.qacc`;
const SETS = ['size=2'];
// 2 m tiles, 60 n tiles of 2 channels, one k tile: blocks of weight panels (1 KiB each), the last of 4
const SHAPE = { m: 4, k: 1024, n: 120 };

function accelerators(sets: readonly string[]) {
  const c = compileFile(EX, { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...sets] });
  if (!c.design) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
  return c.design.accelerators;
}

describe('loads running ahead (Verilator)', () => {
  it(`xr-npe: a ${SHAPE.m}×${SHAPE.k}×${SHAPE.n} GEMM runs with its loads ahead, golden = sim = rtl, sim = rtl cycles and traces`, async () => {
    for (const accel of accelerators(SETS)) {
      const compiled = compileGemm(resolveTarget(accel), SHAPE, undefined, { timingOnly: true });
      const s = compiled.schedule;
      expect([s.resident, compiled.tiling.kTiles, compiled.tiling.mTiles], accel.name).toEqual(['both', 1, 2]);
      expect(s.ahead, accel.name).toBeGreaterThan(2);
      // several blocks, the last shorter than the lead allows: it gives tokens back (lsync pops, no push)
      expect(Math.ceil(compiled.tiling.nTiles / s.block), accel.name).toBeGreaterThan(1);
      expect(compiled.tiling.nTiles % s.block, accel.name).toBeLessThan(s.ahead - 1);
      const p = compiled.program;
      expect(p.filter((i) => i.kind === 'csync' && i.push_prev).length, accel.name).toBe(s.ahead);
      expect(p.some((i) => i.kind === 'lsync' && i.pop_next && !i.push_next), accel.name).toBe(true);
      // serpentine: each block after the first starts on the panel the block before ended on (2 rows: one DMA)
      const blocks = Math.ceil(compiled.tiling.nTiles / s.block);
      const actLoads = flattenPlan(compiled.straightPlan).filter((i) => i.kind === 'load' && i.buf === 'act').length;
      expect(actLoads, accel.name).toBe(blocks * compiled.tiling.mTiles - (blocks - 1));
    }
    const r = await runCli(['verify', EX, ...SETS.flatMap((x) => ['--set', x]), '--backends', 'golden,sim,rtl', '--trace', '--vectors', '0', '-w', `gemm:m=${SHAPE.m},k=${SHAPE.k},n=${SHAPE.n}`]);
    expectRtlTraceAgreement(r, 0);
  }, 600_000);

  it('xr-npe 256×1024×1024 (issue 13): within 1.2× of the compute bound', () => {
    const [accel] = accelerators([]);
    const r = simulateWorkload(accel, parseWorkload('gemm:m=256,k=1024,n=1024'), { timingOnly: true }).report;
    // compute bound: 256·1024·1024 MACs at 16 × 16 PEs × 4 lanes of mode 0 a cycle
    const bound = (256 * 1024 * 1024) / (16 * 16 * 4);
    expect(r.cycles / bound).toBeLessThanOrEqual(1.2);
  });
});
