/**
 * `qacc verify -w chain:…` (layer chains, compile/chain.ts, from the CLI): every case of a chain workload is
 * one program for all its layers; golden computes each layer's GEMM on its own operands, sim and the
 * generated RTL (Verilator, the 2 × 2 builds test/verify/rtl-layer-chain.test.ts also uses) run the joint
 * program, and outputs, cycles and traces must agree. The negative cases show the report catches what it
 * claims to: an RTL run of the chain without its overlap (the hand-over token popped before B's early
 * loads: same outputs, later loads) fails on cycles and traces, and a flipped output of layer 2 is named as
 * layer 2.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Instruction } from '../../src/isa/index.js';
import { defaultBackends, type Backend } from '../../src/verify/backends.js';
import { runCli } from '../cli/fake-io.js';
import { flipBit, registryOf, ROOT, runVerifyWith } from './orchestration-helpers.js';
import { expectRtlTraceAgreement } from './verify-report.js';

const FILE = resolve(ROOT, 'examples/bitmod.qacc');
const SETS = ['rows=2', 'cols=2', 'banks=1', 'fp16_rows=2', 'fp16_cols=2'].flatMap((s) => ['--set', s]);
// a decode-like pair (B's weights go early), a different shape, then a longer reduction
const CHAIN = 'chain:1x512x8,3x256x5,1x512x4';

/**
 * The chain program without its overlap at one boundary (0: layer 1 → 2, 1: layer 2 → 3): the hand-over's
 * `lsync pop_next` (wait for the previous layer's last step) moved before the early loads it follows, so
 * the next layer loads nothing before the previous one is done. Token counts are unchanged.
 */
function withoutOverlap(program: readonly Instruction[], boundary: number): Instruction[] {
  const pops = program.flatMap((x, i) =>
    x.kind === 'lsync' && x.pop_next && !x.push_next && program[i - 1]?.kind === 'load' ? [i] : [],
  );
  expect(pops).toHaveLength(2);
  const at = pops[boundary];
  let from = at;
  while (from > 0 && (program[from - 1].kind === 'load' || program[from - 1].kind === 'seti')) from--;
  return [...program.slice(0, from), program[at], ...program.slice(from, at), ...program.slice(at + 1)];
}

/** The rtl backend running every chain case's program without its overlap at one boundary. */
function rtlWithoutOverlap(rtl: Backend, boundary: number): Backend {
  return {
    ...rtl,
    run: (c) => rtl.run({ ...c, run: { ...c.run, program: withoutOverlap(c.run.program, boundary) } }),
  };
}

describe('qacc verify -w chain:… (layer chains as one program)', () => {
  it.each(['bitmod', 'fp16_baseline'])(
    '%s: golden = sim = rtl outputs of every layer, sim = rtl cycles and traces',
    async (accel) => {
      const r = await runCli([
        'verify',
        FILE,
        '-a',
        accel,
        ...SETS,
        '--backends',
        'golden,sim,rtl',
        '--trace',
        '-w',
        CHAIN,
        '--vectors',
        '1',
        '--seed',
        '4',
      ]);
      expect(r.stdout).toContain(`workload ${CHAIN}`);
      const cases = expectRtlTraceAgreement(r, 2, 1);
      // every layer's outputs are compared: 1·8 + 3·5 + 1·4 per case
      expect(r.stdout).toMatch(new RegExp(`golden = rtl +${cases} cases, ${cases * 27} outputs compared`));
      // the cases ran the chain with its hand-over (loads of a next layer before the previous one is done)
      const early = Number(
        new RegExp(
          `note: ${accel}: 3 layers as one program, (\\d+) loads of a next layer issued before`,
        ).exec(r.stdout)?.[1],
      );
      expect(early, r.stdout).toBeGreaterThan(0);
    },
    600_000,
  );

  it.each([0, 1])(
    'an RTL that runs the chain without its overlap at boundary %i fails on cycles and traces in the layer after it (outputs still equal)',
    async (boundary) => {
      const reg = defaultBackends();
      const rtl = reg.get('rtl') as Backend;
      const r = await runVerifyWith(
        registryOf(reg.get('golden') as Backend, reg.get('sim') as Backend, rtlWithoutOverlap(rtl, boundary)),
        [
          'verify',
          FILE,
          '-a',
          'bitmod',
          ...SETS,
          '--backends',
          'golden,sim,rtl',
          '--trace',
          '-w',
          CHAIN,
          '--vectors',
          '0',
        ],
      );
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^ {2}golden = rtl +\d+ cases, \d+ outputs compared: all bit-identical$/m);
      expect(r.stdout).toMatch(/^ {2}cycles sim = rtl +\d+ cases, cycle counts compared: \d+ MISMATCHING$/m);
      expect(r.stdout).toMatch(
        /^ {2}trace sim = rtl +\d+ cases, per-cycle traces compared: \d+ MISMATCHING$/m,
      );
      expect(r.stdout).toMatch(/^MISMATCH trace sim vs rtl: case bitmod\/\w+\/1x512x8,3x256x5,1x512x4\/s1 /m);
      expect(r.stdout).toContain('workload chain:1x512x8,3x256x5,1x512x4 (one program)');
      // the moved token wait is in the next layer's first step: the traces part there, in every case
      const parts = [
        ...r.stdout.matchAll(
          /^ {2}first diverging cycle \d+ \(sim dispatching layer (\d) of 3\), signal \w+: sim \d+, rtl \d+$/gm,
        ),
      ].map((m) => Number(m[1]));
      expect(parts.length).toBeGreaterThan(0);
      expect(new Set(parts)).toEqual(new Set([boundary + 2]));
    },
    600_000,
  );

  it('a wrong output of layer 2 is reported as layer 2; its repro line reruns the chain case alone', async () => {
    const reg = defaultBackends();
    const id = 'bitmod/random/1x512x8,3x256x5,1x512x4/s1';
    // output 8 + 5 + 2 = 15 is layer 2's row 1, col 2
    const r = await runVerifyWith(
      registryOf(reg.get('golden') as Backend, flipBit(reg.get('sim') as Backend, id, 15, 0)),
      ['verify', FILE, '-a', 'bitmod', ...SETS, '-w', CHAIN, '--vectors', '1'],
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`MISMATCH golden vs sim: case ${id} (random workload 1 of 1)`);
    expect(r.stdout).toContain('1 of 27 outputs differ; first at output 15 (layer 2 of 3):');
    expect(r.stdout).toMatch(/^ {4}output 15 \(layer 2, row 1, col 2\): expected 0x/m);
    const repro = /reproduce: npx qacc (.*)$/m.exec(r.stdout)?.[1].split(' ') ?? [];
    expect(repro).toContain(id);
    const again = await runCli(repro.map((w) => (w === 'examples/bitmod.qacc' ? FILE : w)));
    expect(again.stdout).toMatch(/: 1 cases on 1 targets/);
    expect(again.stdout).toMatch(/^ {2}golden = sim +1 cases, 27 outputs compared: all bit-identical$/m);
    expect(again.code).toBe(0);
  });
});
