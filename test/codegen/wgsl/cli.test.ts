/**
 * Issue 14's CLI contract for WGSL: `qacc build --target wgsl` writes the kernels and kernels.json (bindings,
 * sizes, packings, also stated in each shader's header) and nothing else; `--target verilog,wgsl` both;
 * `qacc verify --backends golden,wgsl` compares bit for bit, and a wrong kernel output is reported with its
 * first divergence; the runner poisons the output buffer, so an unwritten word cannot pass for a result.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OUTPUT_POISON, WgslRunner } from '../../../src/codegen/wgsl/runner.js';
import type { KernelManifest } from '../../../src/codegen/kernels/manifest.js';
import { kernelSetFor } from '../../../src/codegen/kernels/targets.js';
import { goldenBackend, type Backend } from '../../../src/verify/backends.js';
import { planCases } from '../../../src/verify/cases.js';
import { formatCaseReport } from '../../../src/verify/report.js';
import { runVerification } from '../../../src/verify/run.js';
import { createWgslBackend } from '../../../src/verify/wgsl-backend.js';
import { dawnDevice } from '../../../src/verify/wgsl-device.js';
import { runCli } from '../../cli/fake-io.js';
import { exampleText, ROOT, targetsOf } from './lib.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-wgsl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const example = (name: string): string => resolve(ROOT, 'examples', `${name}.qacc`);

describe('qacc build --target wgsl', () => {
  it('writes the kernels and kernels.json, stating every binding and packing in the manifest and the header', async () => {
    const out = join(dir, 'w4a4');
    const r = await runCli(['build', example('svdquant'), '-a', 'svdquant_w4a4', '--target', 'wgsl', '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'rtl'))).toBe(false);
    const manifest = JSON.parse(readFileSync(join(out, 'wgsl/kernels.json'), 'utf8')) as KernelManifest;
    expect(manifest).toMatchObject({ format: 'qacc-kernels', version: 1, target: 'wgsl' });
    expect(manifest.kernels).toHaveLength(1);
    const part = manifest.kernels[0];
    expect(part.accelerator).toBe('svdquant_w4a4');
    // Passes (activation_quant = runtime): qact quantizes X into the scratch qa / sa, the branch's down
    // projection into scratch (dinit, dchunk per KP steps of k but the last, down), the group accumulation
    // (ainit, agroups per GP groups but the last: llvmpipe's loop limit), then the GEMM; each lists the bindings it uses.
    expect(part.entries.map((e) => e.entryPoint)).toEqual(['qact', 'dinit', 'dchunk', 'down', 'ainit', 'agroups', 'main']);
    expect(part.entries[0].bindings.map((b) => b.name)).toEqual(['params', 'x', 'qa', 'sa']);
    expect(part.entries[3].bindings.map((b) => b.name)).toEqual(['params', 'x', 'dn', 'lora', 'dst', 'lbuf']);
    expect(part.entries[6].bindings.map((b) => b.name)).toEqual(['params', 'qw', 'sw', 'up', 'bias', 'cs', 'qa', 'sa', 'ast', 'lbuf', 'out']);
    expect(part.entries[6].bindings.find((b) => b.name === 'qw')?.packing).toMatch(/4-bit codes 8 per u32, element i in bits \[4·\(i mod 8\)/);
    expect(part.entries[6].bindings.find((b) => b.name === 'qa')?.packing).toMatch(/one per u32/);
    expect(part.exactness).toMatch(/quantized on the GPU by entry qact.*the host passes X only/);
    const wgsl = readFileSync(join(out, part.entries[6].file), 'utf8');
    for (const e of part.entries) for (const b of e.bindings) expect(wgsl).toContain(`@binding(${b.binding}) ${b.name} (${b.access}`);
    expect(wgsl).toContain('8 per u32');
    // A second build replaces the first (the marker), adding the RTL.
    const again = await runCli(['build', example('svdquant'), '-a', 'svdquant_w4a4', '--target', 'verilog,wgsl', '-o', out, '--set', 'rows=2', '--set', 'cols=2']);
    expect(again.code).toBe(0);
    expect(readdirSync(join(out, 'rtl')).length).toBeGreaterThan(0);
    expect(existsSync(join(out, 'wgsl/kernels.json'))).toBe(true);
  });

  it('writes one kernel per SIMD mode (wgsl/mode<i>/) and refuses an unknown target with the known ones', async () => {
    const out = join(dir, 'xr');
    const r = await runCli(['build', example('xr-npe'), '--target', 'wgsl', '-o', out]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'wgsl/kernels.json'), 'utf8')) as KernelManifest;
    expect(manifest.kernels.map((k) => k.mode)).toEqual([0, 1, 2, 3]);
    for (const k of manifest.kernels) expect(existsSync(join(out, k.entries[0].file))).toBe(true);
    const bad = await runCli(['build', example('xr-npe'), '--target', 'wgsl,metal', '-o', join(dir, 'bad')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/unknown --target 'metal' \(known: verilog, wgsl/);
  });

  it('refuses a config its generator does not cover with one line and writes nothing (simd_mac posit32 output)', async () => {
    const src = join(dir, 'xr32.qacc');
    writeFileSync(src, exampleText('xr-npe').replace('output = posit16_1;', 'output = posit32_2;'));
    const out = join(dir, 'xr32');
    const r = await runCli(['build', src, '--target', 'wgsl', '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^qacc: error: --target wgsl: simd_mac output posit32_2: the kernel encodes posits of at most 16 bits$/)]);
    expect(existsSync(out)).toBe(false);
    const v = await runCli(['verify', src, '--backends', 'golden,wgsl', '--vectors', '0', '--set', 'size=2']);
    expect(v.code).toBe(1);
    expect(v.stderr).toMatch(/^qacc: error: wgsl: simd_mac output posit32_2: .*\(accelerator xr_npe@0\)\n$/);
  });
});

describe('qacc verify --backends golden,wgsl', () => {
  it('compares bit for bit and prints the pair line', async () => {
    const r = await runCli(['verify', example('xr-npe'), '--backends', 'golden,wgsl', '--vectors', '1', '--set', 'size=2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/golden = wgsl +\d+ cases, \d+ outputs compared: all bit-identical/);
  });

  it('reports a wrong kernel output as a failed case with its first divergence', async () => {
    const targets = targetsOf(exampleText('svdquant'), ['rows=2', 'cols=2']);
    const inner = createWgslBackend();
    const broken: Backend = {
      ...inner,
      async runAsync(c) {
        const r = await (inner.runAsync as NonNullable<Backend['runAsync']>)(c);
        const outputs = r.outputs.slice();
        outputs[outputs.length - 1] ^= 1;
        return { outputs };
      },
    };
    const plan = planCases(targets, { vectors: 0, seed: 1 });
    const run = await runVerification({ targets, cases: plan.cases.slice(0, 2), backends: [goldenBackend, broken], options: { trace: false } });
    expect(run.passed).toBe(false);
    const o = run.outcomes[0];
    expect(o.status).toBe('fail');
    const text = formatCaseReport(o, { file: 'svdquant.qacc', sets: [], backends: ['golden', 'wgsl'], trace: false, seed: 1, vectors: 0, plannedCases: 2, notes: [] });
    expect(text).toContain('wgsl');
    expect(text).toMatch(/1 of \d+ outputs|1 output/);
  });

  it('fails with one qacc line naming the install command when Dawn finds no OpenGL ES adapter (never a silent skip)', () => {
    // A child process: the device is opened once per process. An invalid EGL platform makes Mesa's EGL fail as a missing driver does.
    const script = "import { main } from './src/cli/main.ts'; process.exitCode = await main(['verify', 'examples/xr-npe.qacc', '--backends', 'golden,wgsl', '--vectors', '0', '--set', 'size=2']);";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, EGL_PLATFORM: 'no-such-platform' } });
    expect(r.status).toBe(1);
    const qacc = r.stderr.split('\n').filter((l) => l.startsWith('qacc:'));
    expect(qacc).toEqual([expect.stringMatching(/^qacc: error: wgsl: .*apt-get install libegl1 libegl-mesa0 libgles2/)]);
    expect(r.stdout).not.toMatch(/OK|bit-identical/);
  }, 30_000);

  it('poisons the output buffer: a word the kernel does not write reads back as the poison', async () => {
    const t = targetsOf(exampleText('xr-npe'), ['size=2'])[0];
    const set = kernelSetFor(t.target, 'wgsl');
    if (!set) throw new Error('no kernel');
    const ops = { m: 2, k: 4, n: 3, activations: new Uint32Array(8), weights: new Uint32Array(12) };
    const launch = set.launch(ops);
    const runner = new WgslRunner(await dawnDevice());
    expect([...(await runner.run(set, { ...launch, passes: [] }))]).toEqual(new Array(6).fill(OUTPUT_POISON));
    expect([...(await runner.run(set, launch))]).toEqual(new Array(6).fill(0));
  });
});
