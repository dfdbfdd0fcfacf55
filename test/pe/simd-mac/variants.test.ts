/**
 * Issue 12, "what check accepts, every backend runs", for simd_mac: variants of examples/xr-npe.qacc (size 2)
 * — every library format of at most 16 bits as a SIMD element (`floor(16 / bits) x fmt`), a 20-bit word of
 * 5 × fp4_e2m1, other operand widths, every library output format, other pipeline depths, round-each-step
 * in every mode, buffer ports around one operand word / one result — each either rejected by `qacc check` with located errors, or simulated bit-exactly
 * against golden and built (test/pe/variants-lib.ts). No Verilator here (rtl.test.ts runs the RTL).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listFormats } from '../../../src/formats/registry.js';
import { runCli } from '../../cli/fake-io.js';
import { expectHonoredOrRejected, type VariantOutcome } from '../variants-lib.js';

const XR_NPE = readFileSync(resolve(__dirname, '../../../examples/xr-npe.qacc'), 'utf8');
const PE_BODY = /pe xr_mac : simd_mac \{[^}]*\}/;

/** The example with its PE's properties replaced by `props` (one per line). */
function withPe(props: readonly string[]): string {
  expect(XR_NPE).toMatch(PE_BODY);
  return XR_NPE.replace(PE_BODY, `pe xr_mac : simd_mac {\n${props.map((p) => `  ${p};`).join('\n')}\n}`);
}

const outcomes = new Map<string, VariantOutcome>();
async function variant(name: string, props: readonly string[], mode = 0): Promise<VariantOutcome> {
  const o = await expectHonoredOrRejected({ text: withPe(props) }, 'xr_npe', { sets: ['size=2'], mode });
  outcomes.set(name, o);
  return o;
}

afterAll(() => {
  const honored = [...outcomes].filter(([, o]) => o === 'honored').map(([n]) => n);
  const rejected = [...outcomes].filter(([, o]) => o === 'rejected').map(([n]) => n);
  console.log(`simd_mac variants: ${honored.length} honored, ${rejected.length} rejected\n  honored: ${honored.join(', ')}\n  rejected: ${rejected.join(', ')}`);
});

const small = listFormats().filter((f) => f.bits <= 16);

describe('simd_mac variants: honored or rejected with a location', () => {
  const half = Math.ceil(small.length / 2);
  for (const [part, formats] of [['first', small.slice(0, half)], ['second', small.slice(half)]] as const) {
    it(`every library format of at most 16 bits as a SIMD element (${part} half)`, async () => {
      for (const f of formats) await variant(`${Math.floor(16 / f.bits)} x ${f.name}`, [`modes = ${Math.floor(16 / f.bits)} x ${f.name}`, 'max_dot_length = 64']);
    }, 60_000);
  }

  it('the formats the issue names are honored: posit8_2, bf16, fp8_e5m2, int2, uint4', () => {
    for (const n of ['2 x posit8_2', '1 x bf16', '2 x fp8_e5m2', '8 x int2', '4 x uint4']) expect(outcomes.get(n), n).toBe('honored');
    for (const n of ['2 x fp8_e4m3fnuz', '2 x e8m0', '4 x nf4']) expect(outcomes.get(n), n).toBe('rejected');
  });

  it('operand words other than 16 bits (5 × fp4_e2m1 in 20 bits, 8, 32): rejected at operand_width', async () => {
    expect(await variant('20-bit 5 x fp4_e2m1', ['operand_width = 20', 'modes = 5 x fp4_e2m1'])).toBe('rejected');
    expect(await variant('8-bit 2 x fp4_e2m1', ['operand_width = 8', 'modes = 2 x fp4_e2m1'])).toBe('rejected');
    expect(await variant('32-bit 2 x fp16', ['operand_width = 32', 'modes = 2 x fp16'])).toBe('rejected');
    expect(await variant('16-bit 2 x int4 (half word)', ['modes = 2 x int4'])).toBe('rejected');
  }, 30_000);

  it('every library output format', async () => {
    for (const f of listFormats()) await variant(`output ${f.name}`, ['modes = 4 x fp4_e2m1 | 2 x posit8_0', `output = ${f.name}`, 'max_dot_length = 64']);
    for (const n of ['fp16', 'bf16', 'fp32', 'posit8_0', 'posit16_1', 'fp8_e5m2']) expect(outcomes.get(`output ${n}`), n).toBe('honored');
  }, 60_000);

  it('pipeline_stages 1, 2, 5 and 64: honored (the engine builds every depth the language takes)', async () => {
    for (const n of [1, 2, 5, 64]) expect(await variant(`pipeline_stages ${n}`, ['modes = 4 x fp4_e2m1', `pipeline_stages = ${n}`]), `${n}`).toBe('honored');
  }, 60_000);

  it('round_each_step in every xr-npe mode, and the example itself in every mode', async () => {
    const modes = 'modes = 4 x fp4_e2m1 | 4 x posit(4, 1) | 2 x posit8_0 | 1 x posit16_1';
    for (let mode = 0; mode < 4; mode++) {
      expect(await variant(`round_each_step fp16 mode ${mode}`, [modes, 'accumulation = round_each_step', 'output = fp16', 'max_dot_length = 4096'], mode)).toBe('honored');
      expect(await expectHonoredOrRejected({ file: resolve(__dirname, '../../../examples/xr-npe.qacc') }, 'xr_npe', { sets: ['size=2'], mode })).toBe('honored');
    }
  }, 60_000);

  // the engine fetches whole 16-bit operand words and writes whole results (rtl-engine.ts simdEngineGeometry)
  const BUFFERS = { weights: 'buffer xr_weights { size = 64 KiB; width = 16 * size; banks = 2;', acts: 'buffer xr_acts    { size = 64 KiB; width = 16 * size; banks = 2;', out: 'buffer xr_out     { size = 32 KiB; width = 16 * size; banks = 1;' } as const;
  function withBuffer(which: keyof typeof BUFFERS, width: number, banks: number): string {
    const head = BUFFERS[which];
    expect(XR_NPE).toContain(head);
    return XR_NPE.replace(head, `${head.slice(0, head.indexOf('width'))}width = ${width}; banks = ${banks};`);
  }

  it('buffer ports narrower than one operand word or one output: rejected at the buffer width; exactly one: honored', async () => {
    for (const which of ['weights', 'acts', 'out'] as const) {
      const narrow = await expectHonoredOrRejected({ text: withBuffer(which, 8, 1) }, 'xr_npe', { sets: ['size=2'] });
      outcomes.set(`${which} port 8 bits`, narrow);
      expect(narrow, `${which}: 8 bits per cycle`).toBe('rejected');
      for (const [width, banks] of [[16, 1], [8, 2]] as const) {
        const fits = await expectHonoredOrRejected({ text: withBuffer(which, width, banks) }, 'xr_npe', { sets: ['size=2'] });
        outcomes.set(`${which} port ${width} x ${banks} bits`, fits);
        expect(fits, `${which}: ${width} bits x ${banks} banks`).toBe('honored');
      }
    }
    // an 8-bit output needs one byte: posit8_0 out of an 8-bit port
    const byteOut = withBuffer('out', 8, 1).replace('output = posit16_1;', 'output = posit8_0;');
    expect(await expectHonoredOrRejected({ text: byteOut }, 'xr_npe', { sets: ['size=2'] })).toBe('honored');
  }, 60_000);

  it('a narrow weight port is reported at its width, naming the buffer and what one step reads', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'qacc-simd-ports-')), 'narrow.qacc');
    const text = withBuffer('weights', 8, 1);
    writeFileSync(file, text);
    const r = await runCli(['check', file, '--set', 'size=2']);
    expect(r.code).toBe(1);
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.startsWith('buffer xr_weights')) + 1;
    const col = lines[line - 1].indexOf('width = 8') + 1;
    expect(r.stderr).toContain(`${file}:${line}:${col}: error[E414]: buffer 'xr_weights' delivers 8 bits per cycle (width × banks); one simd_mac step reads one 16-bit weight word, 16 bits`);
  });
});
