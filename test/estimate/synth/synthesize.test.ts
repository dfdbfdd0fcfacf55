/**
 * Hierarchical synthesis with Yosys (src/estimate/synth): a hand-written 2 × 2 array whose hierarchy has
 * every case — a top, a module instantiated with two parameter values, an engine of four PEs, a
 * sub-module flattened into the PE — synthesizes per unit with the instance counts and flip-flops known by
 * construction; its composed cells and transistors equal a flat synthesis of the same design within 2% (its levels within 2); a re-run is
 * served from the cache; the xilinx flow counts the PE's flip-flops. Every flip-flop is priced: a register
 * with a synchronous reset and an enable, and a small generated PE (mac, int8 × int8), come out as plain
 * flip-flops and gates only, their transistors the sum of Yosys's CMOS cost table (restated below from its
 * kernel/cost.h) over their cells, each flip-flop 16. Yosys runs in a worker thread, so these tests never
 * block their worker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesizePe } from '../../../src/estimate/synth/design.js';
import type { VerilogModule } from '../../../src/estimate/synth/modules.js';
import { cutSubtree, moduleDependencies } from '../../../src/estimate/synth/modules.js';
import { readUnitNetlist, unpricedStorageCells } from '../../../src/estimate/synth/netlist.js';
import { synthesizeModules } from '../../../src/estimate/synth/synthesize.js';
import type { SynthStats } from '../../../src/estimate/synth/types.js';
import { compileFile } from '../../../src/ir/elaborate.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'qacc-synth-test-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** Flip-flops by construction: 4 PEs × 10 accumulator bits + queues of 8 + 8 + 16 bits = 72 (no two with the same input, which a flat synthesis would merge). */
const FLIP_FLOPS = 4 * 10 + 8 + 8 + 16;
const MODULES: VerilogModule[] = [
  { name: 'lzc4', text: 'module lzc4(input [3:0] x, output [2:0] n);\n  assign n = x[3] ? 3\'d0 : x[2] ? 3\'d1 : x[1] ? 3\'d2 : x[0] ? 3\'d3 : 3\'d4;\nendmodule\n' },
  { name: 'pe', text: 'module pe(input clk, input [3:0] a, input [3:0] b, output reg [9:0] acc, output [2:0] lz);\n  always @(posedge clk) acc <= acc + a * b;\n  lzc4 u_lzc (.x(acc[9:6]), .n(lz));\nendmodule\n' },
  { name: 'fifo', text: 'module fifo #(parameter integer W = 4) (input clk, input [W-1:0] d, output reg [W-1:0] q);\n  always @(posedge clk) q <= d;\nendmodule\n' },
  {
    name: 'engine',
    text: 'module engine(input clk, input [7:0] a, input [7:0] b, output [39:0] y, output [11:0] lz);\n  genvar i, j;\n  generate for (i = 0; i < 2; i = i + 1) begin : r\n    for (j = 0; j < 2; j = j + 1) begin : c\n      pe u_pe (.clk(clk), .a(a[4*i +: 4]), .b(b[4*j +: 4]), .acc(y[10*(2*i+j) +: 10]), .lz(lz[3*(2*i+j) +: 3]));\n    end\n  end endgenerate\nendmodule\n',
  },
  {
    name: 'top',
    text: 'module top(input clk, input [7:0] a, input [7:0] b, output [39:0] y, output [11:0] lz, output [15:0] q);\n  wire [7:0] fa, fb;\n  fifo #(.W(8)) u_fa (.clk(clk), .d(a), .q(fa));\n  fifo #(.W(8)) u_fb (.clk(clk), .d(b), .q(fb));\n  fifo #(.W(16)) u_fq (.clk(clk), .d({a ^ b, a & b}), .q(q));\n  engine u_engine (.clk(clk), .a(fa), .b(fb), .y(y), .lz(lz));\nendmodule\n',
  },
];

/**
 * Transistors per cell of Yosys's `stat -tech cmos` (kernel/cost.h, `cmos_transistors_db`, Yosys 0.55): the
 * only cells it prices; any other adds nothing to the total.
 */
const CMOS_TRANSISTORS: Readonly<Record<string, number>> = {
  $_BUF_: 1, $_NOT_: 2, $_AND_: 6, $_NAND_: 4, $_OR_: 6, $_NOR_: 4, $_ANDNOT_: 6, $_ORNOT_: 6, $_XOR_: 12, $_XNOR_: 12,
  $_AOI3_: 6, $_OAI3_: 6, $_AOI4_: 8, $_OAI4_: 8, $_MUX_: 12, $_NMUX_: 10, $_DFF_P_: 16, $_DFF_N_: 16,
};

/** The netlist's transistors by the CMOS table; fails on a cell type the table does not price. */
function cmosTransistors(s: SynthStats): number {
  let t = 0;
  for (const [type, n] of Object.entries(s.cell_types)) {
    expect(CMOS_TRANSISTORS[type], `${type} priced by stat -tech cmos`).toBeDefined();
    t += n * CMOS_TRANSISTORS[type];
  }
  return t;
}

function flipFlops(s: SynthStats): number {
  return Object.entries(s.cell_types).filter(([t]) => /^\$_S?DFFE?_/.test(t) || /^FD[RSCP]E$/.test(t)).reduce((n, [, k]) => n + k, 0);
}

describe('hierarchical synthesis', () => {
  it('finds the module graph of generated-style Verilog', () => {
    const deps = moduleDependencies(MODULES);
    expect(deps.get('top')).toEqual(['fifo', 'engine']);
    expect(deps.get('engine')).toEqual(['pe']);
    expect(deps.get('pe')).toEqual(['lzc4']);
    expect(deps.get('lzc4')).toEqual([]);
  });

  it('synthesizes each distinct unit once, composes the totals, and equals a flat synthesis within 2%', async () => {
    const hier = await synthesizeModules(MODULES, 'top', 2, { flow: 'generic', cacheDir });
    const units = Object.fromEntries(hier.units.map((u) => [u.unit, u.instances]));
    expect(units).toEqual({ top: 1, 'fifo#(W=8)': 2, 'fifo#(W=16)': 1, engine: 1, pe: 4 });
    expect(hier.units.find((u) => u.unit === 'engine')?.children).toEqual({ pe: 4 });
    expect(flipFlops(hier.total)).toBe(FLIP_FLOPS);
    const flat = await synthesizeModules(MODULES, 'top', 0, { flow: 'generic', cacheDir });
    expect(flat.units.map((u) => u.unit)).toEqual(['top']);
    expect(flipFlops(flat.total)).toBe(FLIP_FLOPS);
    expect(Math.abs(hier.total.transistors / flat.total.transistors - 1)).toBeLessThan(0.02);
    expect(Math.abs(hier.total.cells / flat.total.cells - 1)).toBeLessThan(0.02);
    // ABC maps each unit on its own, so the deepest unit's path may differ from the flat netlist's by a level or two
    expect(hier.total.levels).toBeGreaterThan(0);
    expect(Math.abs(hier.total.levels - flat.total.levels)).toBeLessThanOrEqual(2);
    // the re-run is served from the cache, with the same totals
    const again = await synthesizeModules(MODULES, 'top', 2, { flow: 'generic', cacheDir });
    expect(again.units.every((u) => u.cached)).toBe(true);
    expect(again.total).toEqual(hier.total);
  }, 300_000);

  it('cuts an own unit out of a flattened subtree: blackboxed in its parent, synthesized once, counted per instance', async () => {
    const deps = moduleDependencies(MODULES);
    expect(cutSubtree('pe', deps, (m) => m === 'lzc4')).toEqual({ files: ['pe'], cuts: ['lzc4'] });
    expect(cutSubtree('top', deps, (m) => m === 'engine')).toEqual({ files: ['top', 'fifo'], cuts: ['engine'] });
    expect(cutSubtree('pe', deps, () => false)).toEqual({ files: ['pe', 'lzc4'], cuts: [] });
    const whole = await synthesizeModules(MODULES, 'top', 2, { flow: 'generic', cacheDir });
    const cut = await synthesizeModules(MODULES, 'top', 2, { flow: 'generic', cacheDir, ownUnit: (m) => m === 'lzc4' });
    const units = Object.fromEntries(cut.units.map((u) => [u.unit, u.instances]));
    expect(units).toEqual({ top: 1, 'fifo#(W=8)': 2, 'fifo#(W=16)': 1, engine: 1, pe: 4, lzc4: 4 });
    expect(cut.units.find((u) => u.unit === 'pe')?.children).toEqual({ lzc4: 1 });
    const lzc = cut.units.find((u) => u.unit === 'lzc4')!;
    expect(lzc.depth).toBe(3);
    expect(lzc.own.transistors).toBeGreaterThan(0);
    // the PE no longer holds the LZC's gates: they are counted once per PE through the lzc4 unit
    const pe = (r: typeof cut) => r.units.find((u) => u.unit === 'pe')!.own.transistors;
    expect(pe(cut)).toBeLessThan(pe(whole));
    expect(flipFlops(cut.total)).toBe(FLIP_FLOPS);
    expect(Math.abs(cut.total.transistors / whole.total.transistors - 1)).toBeLessThan(0.05);
  }, 300_000);

  it('xilinx flow: UltraScale+ flip-flops match the design (the PE: 10 accumulator bits)', async () => {
    const r = await synthesizeModules(MODULES, 'pe', 0, { flow: 'xilinx', cacheDir });
    expect(r.total.xilinx?.ff).toBe(10);
    expect(r.total.xilinx?.lut).toBeGreaterThan(0);
    expect(r.total.transistors).toBe(0);
  }, 300_000);

  it('xilinx flow: a memory with two write ports and one read port stays a memory; a one-port-pair memory becomes block RAM', async () => {
    // the generated buffers' port shape (rtl-templates/buffer.v.hbs): 2 writes + 1 registered read, which no
    // UltraScale+ block RAM or LUT RAM offers; memory_map would make it 64 × 8 = 512 flip-flops
    const three: VerilogModule = {
      name: 'mem3',
      text: 'module mem3(input clk, input we, input [5:0] wa, input [7:0] wd, input ve, input [5:0] va, input [7:0] vd, input [5:0] ra, output reg [7:0] q);\n  reg [7:0] m [0:63];\n  always @(posedge clk) begin\n    if (we) m[wa] <= wd;\n    if (ve) m[va] <= vd;\n    q <= m[ra];\n  end\nendmodule\n',
    };
    const r3 = await synthesizeModules([three], 'mem3', 0, { flow: 'xilinx', cacheDir });
    expect(r3.total.memory_bits).toBe(64 * 8);
    expect(r3.total.xilinx?.ff).toBeLessThan(64);
    expect(r3.total.xilinx?.bram).toBe(0);
    const two: VerilogModule = {
      name: 'mem2',
      text: 'module mem2(input clk, input we, input [9:0] wa, input [35:0] wd, input [9:0] ra, output reg [35:0] q);\n  reg [35:0] m [0:1023];\n  always @(posedge clk) begin\n    if (we) m[wa] <= wd;\n    q <= m[ra];\n  end\nendmodule\n',
    };
    const r2 = await synthesizeModules([two], 'mem2', 0, { flow: 'xilinx', cacheDir });
    expect(r2.total.memory_bits).toBe(0);
    expect(r2.total.xilinx?.bram).toBe(1);
    expect(r2.total.xilinx?.ff).toBeLessThan(36);
  }, 300_000);

  it('prices a register with a synchronous reset and an enable: 16 transistors per flip-flop plus its gates', async () => {
    // 12 bits of `if (rst) q <= 0; else if (en) q <= d;` (Yosys maps these to $_SDFFE_PP0P_, which stat -tech cmos counts as 0)
    const reg: VerilogModule = { name: 'reg12', text: "module reg12(input clk, input rst, input en, input [11:0] d, output reg [11:0] q);\n  always @(posedge clk)\n    if (rst) q <= 12'd0;\n    else if (en) q <= d;\nendmodule\n" };
    const r = await synthesizeModules([reg], 'reg12', 0, { flow: 'generic', cacheDir });
    expect(r.total.cell_types.$_DFF_P_).toBe(12);
    expect(flipFlops(r.total)).toBe(12);
    expect(r.total.transistors).toBe(cmosTransistors(r.total));
    // each bit selects among d, q and 0: at least one 2-input gate (4 transistors) beside its flip-flop
    expect(r.total.transistors).toBeGreaterThanOrEqual(12 * (16 + 4));
  }, 300_000);

  it('refuses a generic netlist holding a flip-flop stat -tech cmos does not price', () => {
    const cell = (type: string) => ({ type, connections: { C: [2], D: [3], Q: [4] } });
    const net = (type: string) => ({ modules: { m: { cells: { ff: cell(type) } } } });
    expect(unpricedStorageCells({ $_DFF_P_: 3, $_AND_: 2, $_SDFFE_PP0P_: 1, $_DFFE_PN_: 2, $_DLATCH_P_: 1 })).toEqual(['$_DFFE_PN_', '$_DLATCH_P_', '$_SDFFE_PP0P_']);
    expect(() => readUnitNetlist(net('$_SDFFE_PP0P_'), 'Estimated number of transistors: 0+', 'm', new Set(), 'generic')).toThrow(/\$_SDFFE_PP0P_/);
    expect(readUnitNetlist(net('$_DFF_P_'), 'Estimated number of transistors: 16', 'm', new Set(), 'generic').stats.transistors).toBe(16);
    // the xilinx flow's flip-flops are FDRE etc., counted as resources, not transistors
    expect(readUnitNetlist(net('FDRE'), '', 'm', new Set(), 'xilinx').stats.xilinx?.ff).toBe(1);
  });

  it('synthesizes a small generated PE (mac, int8 × int8, int32 accumulator)', async () => {
    const src = 'pe p : mac { weights = int8; activations = int8; accumulator = int32; }\narray a { pe = p; rows = 2; cols = 2; }\nbuffer wb { size = 1 KiB; width = 16; banks = 1; role = weights; }\nbuffer ab { size = 1 KiB; width = 16; banks = 1; role = activations; }\naccelerator acc { arrays = a; buffers = [wb, ab]; clock = 1 GHz; dram = 64 b/cycle; }\n';
    const c = compileFile('/virtual/small.qacc', { readFile: (p) => (p === '/virtual/small.qacc' ? src : undefined) });
    expect(c.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const r = await synthesizePe(c.design!.accelerators[0], { flow: 'generic', cacheDir });
    expect(r.units).toHaveLength(1);
    // its registers (src/pe/mac/templates/mac_pe.v.hbs): the int32 accumulator, the int32 output y and
    // out_valid, all with a synchronous reset and most with an enable, each a plain flip-flop of 16 transistors
    expect(r.total.cell_types.$_DFF_P_).toBe(32 + 32 + 1);
    expect(flipFlops(r.total)).toBe(32 + 32 + 1);
    expect(r.total.transistors).toBe(cmosTransistors(r.total));
    expect(r.total.transistors).toBeGreaterThan(16 * 65);
    expect(r.total.memory_bits).toBe(0);
    expect(r.total.levels).toBeGreaterThan(0);
  }, 300_000);
});
