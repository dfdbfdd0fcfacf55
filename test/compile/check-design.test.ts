/**
 * checkDesign (src/compile/check-design.ts) through `qacc check` and `qacc sim` in-process: what the language
 * accepts and the compiler cannot map is rejected with a located E414, before any command runs (it was an
 * unlocated CompileError in sim/build, or an internal error in build).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/fake-io.js';

const dir = mkdtempSync(join(tmpdir(), 'qacc-check-design-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const PE = 'pe p : mac { weights = fp16; activations = fp16; }\narray a { pe = p; rows = 2; cols = 2; }\n';

describe('checkDesign', () => {
  it('rejects an accelerator without a weights buffer at its buffers property, in check and sim', async () => {
    const f = file('no-wgt.qacc', `${PE}buffer x { size = 1 KiB; width = 32; banks = 1; role = activations; }\naccelerator acc { arrays = a; buffers = [x]; clock = 1 GHz; dram = 64 b/cycle; }\n`);
    for (const args of [['check', f], ['sim', f, '--workload', 'gemm:m=2,k=8,n=2']]) {
      const r = await runCli(args);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toBe(`${f}:4:31: error[E414]: accelerator 'acc' needs an activations and a weights buffer (or a unified one)`);
      expect(r.stderr).toContain('= hint: declare buffers with role = activations and role = weights');
    }
  });

  it('rejects an accelerator with no buffers at all at its name', async () => {
    const f = file('no-bufs.qacc', `${PE}accelerator acc { arrays = a; clock = 1 GHz; dram = 64 b/cycle; }\n`);
    const r = await runCli(['check', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:1: error\\[E414\\]: accelerator 'acc' needs`));
  });

  it('rejects an accelerator whose output space would be empty', async () => {
    const f = file('no-out.qacc', `${PE}buffer x { size = 2 B; width = 8; banks = 1; role = activations; }\nbuffer w { size = 1 KiB; width = 32; banks = 1; role = weights; }\naccelerator acc { arrays = a; buffers = [x, w]; clock = 1 GHz; dram = 64 b/cycle; }\n`);
    const r = await runCli(['check', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f}:5:31: error[E414]: accelerator 'acc' has no room for outputs`);
  });

  it('rejects buffers that cannot hold one double-buffered tile of the whole array, in check and sim', async () => {
    // 2 × 2 array, k tile 8, fp16: 2 slots × 2 rows × 16 B = 64 B of activations; 64 B less the out quarter leaves 48
    const f = file('tiny.qacc', `${PE}buffer x { size = 64 B; width = 32; banks = 1; role = activations; }\nbuffer w { size = 1 KiB; width = 32; banks = 1; role = weights; }\naccelerator acc { arrays = a; buffers = [x, w]; clock = 1 GHz; dram = 64 b/cycle; }\n`);
    for (const args of [['check', f], ['sim', f, '--workload', 'gemm:m=2,k=8,n=2']]) {
      const r = await runCli(args);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe(`${f}:5:31: error[E414]: accelerator 'acc': a 2×2×8 tile does not fit: the act buffer space holds 48 usable bytes, double buffering needs 64`);
    }
    const roomy = file('roomy.qacc', `${PE}buffer x { size = 128 B; width = 32; banks = 1; role = activations; }\nbuffer w { size = 1 KiB; width = 32; banks = 1; role = weights; }\naccelerator acc { arrays = a; buffers = [x, w]; clock = 1 GHz; dram = 64 b/cycle; }\n`);
    expect(await runCli(['check', roomy])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('accepts a unified buffer for both operands', async () => {
    const f = file('unified.qacc', `${PE}buffer u { size = 4 KiB; width = 64; banks = 1; role = unified; }\naccelerator acc { arrays = a; buffers = [u]; clock = 1 GHz; dram = 64 b/cycle; }\n`);
    expect(await runCli(['check', f])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it("reports a kind's operand rejection at the property's span, in check and sim (mac: its schema, E409)", async () => {
    const bufs = 'buffer u { size = 4 KiB; width = 64; banks = 1; role = unified; }\naccelerator acc { arrays = a; buffers = [u]; clock = 1 GHz; dram = 64 b/cycle; }\n';
    const f = file('mac-fp8.qacc', `pe p : mac { weights = fp16; activations = fp8_e4m3; }\narray a { pe = p; rows = 2; cols = 2; }\n${bufs}`);
    for (const args of [['check', f], ['sim', f, '--workload', 'gemm:m=2,k=8,n=2']]) {
      const r = await runCli(args);
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n')[0]).toBe(`${f}:1:44: error[E409]: a mac PE multiplies fp16 or int8 activations, found fp8_e4m3`);
    }
  });

  it('reports a rejection every SIMD mode shares once', async () => {
    const bufs = 'buffer u { size = 4 KiB; width = 64; banks = 1; role = unified; }\naccelerator acc { arrays = a; buffers = [u]; clock = 1 GHz; dram = 64 b/cycle; }\n';
    const f = file('simd-out.qacc', `pe p : simd_mac { operand_width = 16; modes = 2 x int8 | 4 x int4; max_dot_length = 64;\n  output = posit8_2; }\narray a { pe = p; rows = 2; cols = 2; }\n${bufs}`);
    const r = await runCli(['check', f]);
    expect(r.code).toBe(1);
    expect(r.stderr.match(/error\[E414\]/g)).toHaveLength(1);
    expect(r.stderr.split('\n')[0]).toBe(`${f}:2:3: error[E414]: simd_mac PE 'p': the ISA's setfmt has no code for the output format posit8_2`);
  });
});
