/**
 * The cross-check loop end to end: golden = simulator on every example's plan; a fault injected through
 * the Backend interface (one flipped output bit, one cycle late, a crash) fails exactly the faulty case
 * with a report naming the backend pair, the output index (row, col), expected and got in hex and
 * decimal, and a repro command line that reruns that case alone — checked by running it.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FP16 } from '../../src/formats/float.js';
import { goldenGemm } from '../../src/golden/gemm.js';
import type { GoldenConfig, GoldenOperands } from '../../src/golden/types.js';
import { createSimBackend, goldenBackend, simBackend, type Backend } from '../../src/verify/backends.js';
import { caseOperands, planCases } from '../../src/verify/cases.js';
import { VerifyError } from '../../src/verify/errors.js';
import { formatCaseReport, type InvocationInfo } from '../../src/verify/report.js';
import { runVerification } from '../../src/verify/run.js';
import { runCli } from '../cli/fake-io.js';
import { crashOn, exampleTargets, flipBit, lateBy, registryOf, ROOT, runVerifyWith, shellWords } from './orchestration-helpers.js';

const OPTIONS = { trace: false };

function invocation(file: string, backends: string[]): InvocationInfo {
  return { file, sets: [], backends, trace: false, seed: 1, vectors: 2, plannedCases: 0, notes: [] };
}

describe('golden = sim on every example', () => {
  for (const name of ['bitmod', 'xr-npe', 'svdquant']) {
    it(name, async () => {
      const targets = exampleTargets(name);
      const plan = planCases(targets, { vectors: 2, seed: 7 });
      const run = await runVerification({ targets, cases: plan.cases, backends: [goldenBackend, simBackend], options: OPTIONS });
      const bad = run.outcomes.filter((o) => o.status !== 'pass').map((o) => formatCaseReport(o, invocation(name, ['golden', 'sim'])));
      expect(bad).toEqual([]);
      expect(run.passed).toBe(true);
      expect(run.pairs).toHaveLength(1);
      const p = run.pairs[0];
      expect([p.kind, p.reference, p.other, p.cases, p.failed]).toEqual(['outputs', 'golden', 'sim', plan.cases.length, 0]);
      expect(p.outputs).toBe(plan.cases.reduce((s, c) => s + c.shape.m * c.shape.n, 0));
      for (const o of run.outcomes) expect(o.cycles.sim, o.case.id).toBeGreaterThan(0);
    });
  }
});

describe('an injected fault', () => {
  const targets = exampleTargets('bitmod');
  const plan = planCases(targets.slice(0, 1), { vectors: 2, seed: 1 });
  const victim = plan.cases.find((c) => c.purpose.startsWith('random workload 1'))!;
  const index = 5;
  const bit = 3;
  const faulty = flipBit(simBackend, victim.id, index, bit);

  it('fails exactly that case, and the report names pair, index, expected and got', async () => {
    const run = await runVerification({ targets, cases: plan.cases, backends: [goldenBackend, faulty], options: OPTIONS });
    expect(run.passed).toBe(false);
    const failed = run.outcomes.filter((o) => o.status !== 'pass');
    expect(failed.map((o) => o.case.id)).toEqual([victim.id]);
    const o = failed[0];
    // Expected value: the golden model on the case's operands, computed here directly.
    const t = targets[0].target;
    const cfg: GoldenConfig = t.golden;
    const golden = goldenGemm(cfg, caseOperands(t, victim) as GoldenOperands<GoldenConfig>).codes;
    const expected = golden[index];
    const got = expected ^ (1 << bit);
    const n = victim.shape.n;
    expect(o.divergences).toEqual([{ kind: 'outputs', reference: 'golden', other: 'sim', count: 1, total: victim.shape.m * n, first: [{ index, layer: 0, row: Math.floor(index / n), col: index % n, expected, got }] }]);
    const report = formatCaseReport(o, invocation('examples/bitmod.qacc', ['golden', 'sim']));
    const hex = (c: number): string => `0x${c.toString(16).padStart(4, '0')}`;
    expect(report).toContain(`MISMATCH golden vs sim: case ${victim.id}`);
    expect(report).toContain(`seed ${victim.seed}`);
    expect(report).toContain(`workload gemm:m=${victim.shape.m},k=${victim.shape.k},n=${victim.shape.n}`);
    expect(report).toContain(`1 of ${victim.shape.m * n} outputs differ`);
    expect(report).toContain(`output ${index} (row ${Math.floor(index / n)}, col ${index % n}): expected ${hex(expected)} (${FP16.decode(expected)}) from golden, got ${hex(got)} (${FP16.decode(got)}) from sim`);
    expect(report).toContain(`reproduce: npx qacc verify examples/bitmod.qacc --backends golden,sim --case ${victim.id}`);
  });

  it("the repro line reruns that case alone: it fails with the fault, passes without it", async () => {
    const file = resolve(ROOT, 'examples/bitmod.qacc');
    const cli = await runVerifyWith(registryOf(goldenBackend, faulty), ['verify', file, '--backends', 'golden,sim', '--vectors', '2', '--seed', '1']);
    expect(cli.code).toBe(1);
    const repro = /reproduce: (.*)$/m.exec(cli.stdout)?.[1];
    expect(repro).toBeDefined();
    const words = shellWords(repro!);
    expect(words.slice(0, 4)).toEqual(['npx', 'qacc', 'verify', file]);
    const rerun = await runVerifyWith(registryOf(goldenBackend, faulty), words.slice(2));
    expect(rerun.code).toBe(1);
    expect(rerun.stdout).toMatch(/: 1 cases on 1 targets \(bitmod\)/);
    expect(rerun.stdout.match(/^MISMATCH/gm)).toHaveLength(1);
    // the same first difference as the full run
    const line = (s: string): string | undefined => /^ {4}output .*$/m.exec(s)?.[0];
    expect(line(rerun.stdout)).toBe(line(cli.stdout));
    // With the real backends the same line passes (the fault was the only difference).
    const real = await runCli(words.slice(2));
    expect(real.stderr).toBe('');
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/OK: all 1 cases match/);
  });

  it('--trace: a trace point changed in one cycle is reported as the first diverging cycle and signal', async () => {
    const sim = createSimBackend();
    // A second simulator under another name whose trace has the store queue busy one cycle late.
    const inner = createSimBackend();
    let moved: { time: number } | undefined;
    const shifted: Backend = {
      ...inner,
      name: 'sim2',
      run(c) {
        const r = inner.run(c);
        if (c.case.id !== victim.id || !r.trace) return r;
        const i = r.trace.findIndex((e) => e.signal === 'store_busy' && e.value === 1);
        expect(i).toBeGreaterThanOrEqual(0);
        moved = { time: r.trace[i].time };
        return { ...r, trace: r.trace.map((e, j) => (j === i ? { ...e, time: e.time + 1 } : e)) };
      },
    };
    const run = await runVerification({ targets, cases: plan.cases, backends: [goldenBackend, sim, shifted], options: { ...OPTIONS, trace: true } });
    const failed = run.outcomes.filter((o) => o.status !== 'pass');
    expect(failed.map((o) => o.case.id)).toEqual([victim.id]);
    expect(moved).toBeDefined();
    // The first difference is the cycle the original event was in: sim says busy, sim2 still idle.
    expect(failed[0].divergences).toEqual([{ kind: 'trace', reference: 'sim', other: 'sim2', cycle: moved!.time, signal: 'store_busy', expected: 1, got: 0 }]);
    const report = formatCaseReport(failed[0], invocation('x.qacc', ['golden', 'sim', 'sim2']));
    expect(report).toContain(`first diverging cycle ${moved!.time}, signal store_busy: sim 1, sim2 0`);
    expect(run.pairs.find((p) => p.kind === 'trace')).toMatchObject({ reference: 'sim', other: 'sim2', cases: plan.cases.length, failed: 1 });
  });

  it('a cycle count off by one between two timed backends fails that case with both counts', async () => {
    const late = lateBy(simBackend, 'sim2', victim.id, 1);
    const run = await runVerification({ targets, cases: plan.cases, backends: [goldenBackend, simBackend, late], options: OPTIONS });
    const failed = run.outcomes.filter((o) => o.status !== 'pass');
    expect(failed.map((o) => o.case.id)).toEqual([victim.id]);
    const d = failed[0].divergences;
    expect(d).toHaveLength(1);
    const sim = failed[0].cycles.sim;
    expect(d[0]).toEqual({ kind: 'cycles', reference: 'sim', other: 'sim2', expected: sim, got: sim + 1 });
    const report = formatCaseReport(failed[0], invocation('x.qacc', ['golden', 'sim', 'sim2']));
    expect(report).toContain(`expected ${sim} cycles from sim, got ${sim + 1} from sim2`);
    expect(report).toContain(`--backends sim,sim2 --case ${victim.id}`);
    expect(run.pairs.map((p) => [p.kind, p.reference, p.other, p.cases, p.failed])).toEqual([
      ['outputs', 'golden', 'sim', plan.cases.length, 0],
      ['outputs', 'golden', 'sim2', plan.cases.length, 0],
      ['cycles', 'sim', 'sim2', plan.cases.length, 1],
    ]);
  });

  it('a backend crash fails that case as an error; the others still run', async () => {
    const run = await runVerification({ targets, cases: plan.cases, backends: [goldenBackend, crashOn(simBackend, victim.id)], options: OPTIONS });
    expect(run.outcomes.map((o) => o.status).filter((s) => s !== 'pass')).toEqual(['error']);
    const o = run.outcomes.find((x) => x.status === 'error')!;
    expect(o.case.id).toBe(victim.id);
    expect(o.error).toEqual({ backend: 'sim', message: 'injected crash' });
    expect(formatCaseReport(o, invocation('x.qacc', ['golden', 'sim']))).toMatch(/^ERROR sim: case .*\n(.*\n)* {2}sim failed: injected crash\n {2}reproduce: npx qacc verify x.qacc --backends golden,sim --case /);
    expect(run.outcomes.filter((x) => x.status === 'pass')).toHaveLength(plan.cases.length - 1);
  });

  it('an unavailable backend stops the run before any case, with its one line', async () => {
    let ran = 0;
    const counting: Backend = { ...simBackend, run: (c) => (ran++, simBackend.run(c)) };
    const missing: Backend = {
      ...simBackend,
      name: 'missing',
      check: async () => {
        throw new VerifyError('backend-unavailable', 'the missing backend needs a tool that is not installed');
      },
    };
    await expect(runVerification({ targets, cases: plan.cases, backends: [goldenBackend, counting, missing], options: OPTIONS })).rejects.toThrow(/^the missing backend needs a tool that is not installed$/);
    expect(ran).toBe(0);
  });

  it('backends are checked only for the targets that have cases', async () => {
    const seen: string[][] = [];
    const spy: Backend = { ...simBackend, check: async (ts) => void seen.push(ts.map((t) => t.label)) };
    const all = exampleTargets('bitmod');
    const one = planCases(all, { vectors: 1, seed: 1 }).cases.filter((c) => c.accelerator === 'ant_baseline').slice(0, 2);
    await runVerification({ targets: all, cases: one, backends: [goldenBackend, spy], options: OPTIONS });
    expect(seen).toEqual([['ant_baseline']]);
  });
});
