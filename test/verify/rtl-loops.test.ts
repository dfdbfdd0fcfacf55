/**
 * Loop-carrying compiled programs on the RTL: `qacc verify --backends golden,sim,rtl --trace` on a GEMM
 * whose program loops over m, n and k tiles (src/compile/compact.ts) on every example (arrays shrunk as in
 * orchestration-program.test.ts, whose cached builds this reuses): outputs equal golden, and the RTL's
 * cycle counts and per-cycle traces equal the simulator's. The test first checks that the workload does
 * compile to loops and several k tiles on every target (on bit_serial_mod, whose engine streams deep tiles
 * through its staging ring, k tiles deeper than the staging), so it cannot pass on straight-line programs.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { compileGemm, resolveTarget } from '../../src/compile/index.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { runCli } from '../cli/fake-io.js';
import { ROOT } from './orchestration-helpers.js';
import { expectRtlTraceAgreement } from './verify-report.js';

const EX = (name: string): string => `${ROOT}/examples/${name}.qacc`;
const SHAPE = { m: 11, k: 2100, n: 13 };

/**
 * bitmod's PE declares tile_m = 2 · cols (m tiles of 4 tokens on 2 columns): 11 tokens are only 3 m tiles, the
 * last ragged, and no m iteration repeats; 23 tokens give 6, so its program loops too.
 */
const EXAMPLES: readonly { name: string; sets: readonly string[]; shape?: { m: number; k: number; n: number } }[] = [
  { name: 'xr-npe', sets: ['size=2'] },
  { name: 'bitmod', sets: ['rows=2', 'cols=2', 'fp16_rows=2', 'fp16_cols=2', 'ant_rows=2', 'ant_cols=2', 'olive_rows=2', 'olive_cols=2', 'banks=1'], shape: { ...SHAPE, m: 23 } },
  { name: 'svdquant', sets: ['rows=2', 'cols=2', 'lanes=8', 'rank=16', 'banks=1'] },
];

describe('loop programs on the RTL (Verilator)', () => {
  for (const ex of EXAMPLES) {
    const shape = ex.shape ?? SHAPE;
    it(`${ex.name}: a ${shape.m}×${shape.k}×${shape.n} GEMM compiles to loops and runs golden = sim = rtl, sim = rtl cycles and traces`, async () => {
      const c = compileFile(EX(ex.name), { readFile: (p) => readFileSync(p, 'utf8') }, { overrides: [...ex.sets] });
      for (const accel of c.design?.accelerators ?? []) {
        const t = resolveTarget(accel);
        const compiled = compileGemm(t, shape, undefined, { timingOnly: true });
        expect(compiled.program.some((i) => i.kind === 'loop'), accel.name).toBe(true);
        // an engine that streams k through a staging ring (bit_serial_mod) takes K in tiles deeper than its
        // staging, so the ring's waits run on the RTL; the others take several k tiles
        if (t.maxTileK > t.stagingK) expect(compiled.tiling.kt, accel.name).toBeGreaterThan(t.stagingK);
        else expect(compiled.tiling.kTiles, accel.name).toBeGreaterThan(1);
      }
      const r = await runCli(['verify', EX(ex.name), ...ex.sets.flatMap((s) => ['--set', s]), '--backends', 'golden,sim,rtl', '--trace', '--vectors', '0', '-w', `gemm:m=${shape.m},k=${shape.k},n=${shape.n}`]);
      expectRtlTraceAgreement(r, 0);
    }, 600_000);
  }
});
