/**
 * `qacc sim` and `qacc estimate` with layer chains (docs/scheduler.md "Layer chains"): `--explain` says per
 * transition whether it is chained and what it saves, `--json` carries `layers[].overlap_cycles` and
 * `layers[].overlaps`, `--no-layer-overlap` runs every layer alone (more cycles, every transition 'off'), and
 * the estimate gives sim's cycles either way.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './fake-io.js';

const BITMOD = resolve(__dirname, '../../examples/bitmod.qacc');
const W = 'model:opt-1.3b,stage=decode,tokens=1';

describe('qacc sim / estimate --no-layer-overlap', () => {
  it('explains the chains, reports them in JSON, and turns them off; the estimate agrees both ways', async () => {
    const explain = await runCli(['sim', BITMOD, '-w', W, '--explain']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/^ {4}then k ×24: chained, saves [1-9][0-9]* cycles each$/m);
    const off = await runCli(['sim', BITMOD, '-w', W, '--explain', '--no-layer-overlap']);
    expect(off.stdout).toMatch(/^ {4}then k ×24: not chained \(--no-layer-overlap\)$/m);
    const cycles = (text: string): number => Number(/^cycles +([0-9]+)/m.exec(text)?.[1]);
    expect(cycles(off.stdout)).toBeGreaterThan(cycles(explain.stdout));
    const json = JSON.parse((await runCli(['sim', BITMOD, '-w', W, '--json'])).stdout) as { cycles: number; layers: { name: string; cycles: number; count: number; overlap_cycles: number; overlaps: { next: string; count: number; saved_cycles: number; chained: boolean; refused: string | null }[] }[] };
    expect(json.cycles).toBe(cycles(explain.stdout));
    expect(json.layers[0].overlaps).toEqual([{ next: 'k', count: 24, saved_cycles: json.layers[0].overlap_cycles / 24, chained: true, refused: null }]);
    expect(json.cycles).toBe(json.layers.reduce((s, l) => s + l.cycles * l.count - l.overlap_cycles, 0));
    for (const [flags, want] of [[[], json.cycles], [['--no-layer-overlap'], cycles(off.stdout)]] as const) {
      const est = JSON.parse((await runCli(['estimate', BITMOD, '-w', W, '--json', ...flags])).stdout) as { cycles: number };
      expect(est.cycles).toBe(want);
    }
  });
});
