/**
 * expectHonoredOrRejected (test/pe/variants-lib.ts) on one variant of each outcome, and on a contract
 * breach it must catch (an unlocated error), so the per-kind variants tests can rely on it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectHonoredOrRejected } from './variants-lib.js';

const SMALL_MAC = `
pe p : mac { weights = fp16; activations = fp16; }
array a { pe = p; rows = 2; cols = 2; }
buffer w { size = 1 KiB; width = 32; banks = 1; role = weights; }
buffer x { size = 1 KiB; width = 32; banks = 1; role = activations; }
buffer o { size = 256 B; width = 32; banks = 1; role = outputs; }
accelerator acc { arrays = a; buffers = [w, x, o]; clock = 1 GHz; dram = 64 b/cycle; }
`;

describe('expectHonoredOrRejected', () => {
  it('says rejected for a variant check rejects with a located error (xr-npe, weight-stationary)', async () => {
    const text = readFileSync('examples/xr-npe.qacc', 'utf8').replace('dataflow = output_stationary;', 'dataflow = weight_stationary;');
    expect(text).toContain('weight_stationary');
    expect(await expectHonoredOrRejected({ text }, undefined, { sets: ['size=2'] })).toBe('rejected');
  });

  it('says honored for a variant sim and build run', { timeout: 20_000 }, async () => {
    expect(await expectHonoredOrRejected({ text: SMALL_MAC }, 'acc')).toBe('honored');
  });

  it('fails on an unlocated error', async () => {
    // an unreadable file is reported without a location: not an acceptable rejection of a variant
    await expect(expectHonoredOrRejected({ file: 'no/such/file.qacc' }, undefined)).rejects.toThrow(/every error is located|at least one error/);
  });
});
