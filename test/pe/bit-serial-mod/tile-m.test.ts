/**
 * bit_serial_mod's `tile_m` (issue 13): the accumulator tile's tokens. The target takes ceil(tile_m / cols)
 * array passes per m tile (one fp32 entry per pass in each PE), the scheduler may cut M into such tiles, and
 * `qacc check` rejects, at tile_m's span, a tile_m the engine cannot hold (more than 16 passes); like
 * lowrank_gemm's, the declared tile is an upper bound where the out space holds less. Undeclared, a tile is one pass (the example declares `tile_m = 2 * cols`; this file strips it and declares its own).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ISA_LIMITS } from '../../../src/compile/isa-limits.js';
import { rankedSchedules, scheduleCandidates } from '../../../src/compile/schedule/choose.js';
import { resolveTarget } from '../../../src/compile/target.js';
import { BSM_MAX_PASSES } from '../../../src/pe/bit-serial-mod/compile.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { runCli } from '../../cli/fake-io.js';
import { exampleAccelerators, ROOT, sourceAccelerators } from '../../sim/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-bsm-tile-m-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example without bitmod_pe's declared `tile_m = 2 * cols;` and the comment above it (this file declares its own). */
const DECLARED = /\n {2}\/\/ qacc's addition to the paper's PE[^]*?\n {2}tile_m = 2 \* cols;/u;
const EXAMPLE = readFileSync(resolve(ROOT, 'examples/bitmod.qacc'), 'utf8');
const BASE = EXAMPLE.replace(DECLARED, '');
const PE_END = "cross_group = fp32;          // qacc's choice: the sources leave cross-group summation open\n  output = fp16;\n}";

/** The example with `tile_m = x` as the last property of bitmod_pe (line TILE_LINE). */
function withTileM(x: number, text = BASE): string {
  if (!text.includes(PE_END)) throw new Error('bitmod_pe not found');
  return text.replace(PE_END, PE_END.replace('output = fp16;\n}', `output = fp16;\n  tile_m = ${x};\n}`));
}
const TILE_LINE = withTileM(1).split('\n').findIndex((l) => l.startsWith('  tile_m = ')) + 1;

async function check(text: string, sets: readonly string[]): Promise<{ code: number; stderr: string }> {
  const path = join(dir, `t${Math.random().toString(36).slice(2)}.qacc`);
  writeFileSync(path, text);
  const r = await runCli(['check', path, ...sets.flatMap((s) => ['--set', s])]);
  return { code: r.code, stderr: r.stderr.replaceAll(path, 'design.qacc') };
}

describe('bit_serial_mod tile_m', () => {
  it('undeclared: one pass, as before; declared: ceil(tile_m / cols) passes and as many accumulator entries', () => {
    expect(EXAMPLE).toMatch(DECLARED);
    const plain = resolveTarget(sourceAccelerators(BASE)[0]);
    expect([plain.tilePassesM, plain.tilePassesN, plain.maxTileM, plain.accEntries]).toEqual([1, 1, Number.POSITIVE_INFINITY, 32 * 32]);
    // the example as committed: tile_m = 2 · cols, two passes
    const example = resolveTarget(exampleAccelerators('bitmod')[0]);
    expect([example.tilePassesM, example.maxTileM, example.accEntries]).toEqual([2, 64, 32 * 32 * 2]);
    const t = resolveTarget(sourceAccelerators(withTileM(80))[0]);
    expect([t.tilePassesM, t.tilePassesN, t.maxTileM, t.accEntries]).toEqual([3, 1, 80, 32 * 32 * 3]);
    // a GEMM whose activation panel fits at 80 tokens: the scheduler offers tiles of 80, 64 and 32 tokens
    const tiles = scheduleCandidates(t, { m: 160, k: 1024, n: 256 }, ISA_LIMITS).filter((c) => c.resident === 'none').map((c) => c.tiling.mt);
    expect(tiles).toEqual([80]);
  });

  it('an activation panel too large for whole passes: the scheduler offers the most whole passes, not only the most tokens', () => {
    // K = 4,224 on the example with tile_m = 64: a 64-token panel (528 KiB) misses the 512 KiB act space (the
    // out space lies in the weights buffer); 62 tokens fit but take 2 passes, the second on 30 of 32 columns:
    // 32 tokens (one whole pass) is also offered, and wins among the unsplit schedules
    const t = resolveTarget(sourceAccelerators(withTileM(64))[0]);
    expect(t.capacity.act).toBe(512 * 1024);
    const shape = { m: 256, k: 4224, n: 4096 };
    expect(64 * shape.k * 2).toBeGreaterThan(t.capacity.act);
    expect(62 * shape.k * 2).toBeLessThanOrEqual(t.capacity.act);
    const act = scheduleCandidates(t, shape, ISA_LIMITS).filter((c) => c.resident === 'act').map((c) => c.tiling.mt);
    expect(act).toEqual(expect.arrayContaining([62, 32]));
    const ranked = rankedSchedules(t, shape, ISA_LIMITS);
    expect(ranked.filter((c) => (c.kChunks ?? 1) === 1)[0].tiling.mt).toBe(32);
    // a K split (test/pe/bit-serial-mod/k-split.test.ts) keeps 64-token panels of half the reduction, and wins
    expect([ranked[0].kChunks, ranked[0].tiling.mt]).toEqual([2, 64]);
  });

  it(`check rejects more than ${BSM_MAX_PASSES} passes at tile_m's span`, async () => {
    const r = await check(withTileM(40), ['rows=2', 'cols=2', 'banks=1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`design.qacc:${TILE_LINE}:3: error[E414]: tile_m = 40 takes 20 passes of the array's 2 columns; the bit_serial_mod engine's accumulator file holds at most ${BSM_MAX_PASSES} entries per PE`);
    expect(r.stderr).toContain(`hint: write tile_m ≤ ${2 * BSM_MAX_PASSES}`);
  });

  it('an out space too small for two output tiles of tile_m tokens: the scheduler takes smaller tiles (an upper bound, as lowrank_gemm)', () => {
    // an outputs buffer of 192 bytes: two 32 × 2 tiles of fp16 outputs would need 256, two of 24 tokens 192
    const small = withTileM(32)
      .replace('buffer act_buf ', 'buffer out_buf    { size = 192 B; width = 256; banks = 1; role = outputs; }\nbuffer act_buf ')
      .replace('accelerator bitmod {\n  arrays = [bitmod_array];\n  buffers = [weight_buf, act_buf];', 'accelerator bitmod {\n  arrays = [bitmod_array];\n  buffers = [weight_buf, act_buf, out_buf];');
    expect(small).toContain('buffers = [weight_buf, act_buf, out_buf];');
    const c = compileFile('/virtual/small.qacc', { readFile: (p) => (p === '/virtual/small.qacc' ? small : undefined) }, { overrides: ['rows=2', 'cols=2', 'banks=1'] });
    const t = resolveTarget(c.design!.accelerators.find((a) => a.name === 'bitmod')!);
    expect([t.tilePassesM, t.capacity.out]).toEqual([16, 192]);
    expect(scheduleCandidates(t, { m: 64, k: 128, n: 2 }, ISA_LIMITS).filter((s) => s.resident === 'none').map((s) => s.tiling.mt)).toEqual([24]);
  });
});
