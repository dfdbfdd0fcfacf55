/**
 * The timing proxy (src/estimate/synth/levels.ts) on hand-built JSON netlists whose longest path is
 * known by construction: gate chains between flip-flops, a blackbox sub-unit cutting a path, a DSP slice
 * with and without pipeline registers, fan-in from several depths.
 */
import { describe, expect, it } from 'vitest';
import { isCombinational, longestCombinationalPath, type JsonCell, type JsonModule } from '../../../src/estimate/synth/levels.js';

const gate = (type: string, a: number, b: number, y: number): JsonCell => ({ type, port_directions: { A: 'input', B: 'input', Y: 'output' }, connections: { A: [a], B: [b], Y: [y] } });
const dff = (d: number, q: number): JsonCell => ({ type: '$_DFF_P_', port_directions: { C: 'input', D: 'input', Q: 'output' }, connections: { C: [1], D: [d], Q: [q] } });
const mod = (cells: JsonCell[]): JsonModule => ({ cells: Object.fromEntries(cells.map((c, i) => [`c${i}`, c])) });

describe('longest combinational path', () => {
  it('counts the gates of a chain between two flip-flops', () => {
    // q(10) → and → xor → or → d(13) of a flip-flop whose output 10 feeds the chain again (a register loop)
    expect(longestCombinationalPath(mod([dff(13, 10), gate('$_AND_', 10, 2, 11), gate('$_XOR_', 11, 3, 12), gate('$_OR_', 12, 11, 13)]))).toBe(3);
  });

  it('takes the deepest of several fan-in paths', () => {
    // 20 = not(not(not(in 2))) is 3 deep; 21 = and(20, in 3) is 4; 22 = or(in 4, in 5) is 1
    const not = (a: number, y: number): JsonCell => ({ type: '$_NOT_', port_directions: { A: 'input', Y: 'output' }, connections: { A: [a], Y: [y] } });
    expect(longestCombinationalPath(mod([not(2, 18), not(18, 19), not(19, 20), gate('$_AND_', 20, 3, 21), gate('$_OR_', 4, 5, 22)]))).toBe(4);
  });

  it('cuts a path at a sub-unit instance and at a cell of unknown type', () => {
    const sub: JsonCell = { type: 'pe', port_directions: { x: 'input', y: 'output' }, connections: { x: [11], y: [12] } };
    const cells = [gate('$_AND_', 2, 3, 10), gate('$_AND_', 10, 3, 11), sub, gate('$_OR_', 12, 3, 13)];
    expect(longestCombinationalPath(mod(cells), new Set(['pe']))).toBe(2);
    expect(longestCombinationalPath(mod([...cells.slice(0, 2), { ...sub, type: 'mystery' }, cells[3]]))).toBe(2);
  });

  it('reads xilinx cells: LUT and CARRY8 are levels, registered DSP48E2 is a boundary', () => {
    const lut: JsonCell = { type: 'LUT6', port_directions: { I0: 'input', O: 'output' }, connections: { I0: [2], O: [10] } };
    const carry: JsonCell = { type: 'CARRY8', port_directions: { S: 'input', CO: 'output', O: 'output' }, connections: { S: [10], CO: [11], O: [12] } };
    expect(longestCombinationalPath(mod([lut, carry]))).toBe(2);
    expect(isCombinational({ type: 'DSP48E2', parameters: { AREG: '0', BREG: '0', CREG: '0', MREG: '0', PREG: '0' }, connections: {} })).toBe(true);
    expect(isCombinational({ type: 'DSP48E2', parameters: { AREG: '0', BREG: '0', CREG: '0', MREG: '0', PREG: '1' }, connections: {} })).toBe(false);
    expect(isCombinational({ type: 'FDRE', connections: {} })).toBe(false);
  });

  it('is 0 for a netlist of flip-flops only, and ignores constant inputs', () => {
    expect(longestCombinationalPath(mod([dff(2, 3), dff(3, 4)]))).toBe(0);
    expect(longestCombinationalPath(mod([{ type: '$_AND_', port_directions: { A: 'input', B: 'input', Y: 'output' }, connections: { A: ['0'], B: [2], Y: [3] } }]))).toBe(1);
  });
});
