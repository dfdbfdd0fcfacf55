/**
 * qact in the lowrank_gemm tile engine (rtl-engine.ts + rtl-qact.ts's engine part) alone under Verilator,
 * for both SVDQuant accelerators shrunk as the engine self-bench (rtl-engine-bench.ts benchTarget: 2 × 3
 * array, 8 dot lanes = 2 branch lanes, odd ports: act 6, meta 3 bytes) with runtime activation
 * quantization: a wrapper with behavioural act and meta memories that the engine reads and writes, each
 * command issued in the cycle after the previous one's cmd_done under its own rounding register. Random
 * qact commands (several groups, the last partial, odd k, m < cols, NaN / inf / subnormal / zero X, every
 * rounding rule) are compared with the simulator's qact (sim.ts: the golden lowRankQuantizeActivations,
 * codes and scales written as whole bytes) byte for byte over both buffers, and their cycles with
 * timing.ts lowRankQactCycles, over one and several m passes. Also: -Wall lint, Yosys synthesis (the full flow,
 * for the engine without qact too: its modules and statements are a subset of these; rtl-engine.test.ts runs
 * that engine through the coarse passes and check -assert); stochastic rounding, m > cols ×
 * m passes and a code row past
 * the buffer trap.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { bufferAddressBits } from '../../../src/arch/microarch.js';
import { packMatrix, rowBytes } from '../../../src/compile/pack.js';
import type { Target } from '../../../src/compile/target.js';
import { createInstruction, encodeInstruction } from '../../../src/isa/index.js';
import { lowRankQuantizeActivations } from '../../../src/pe/lowrank-gemm/golden-qact.js';
import { LOWRANK_TRAP } from '../../../src/pe/lowrank-gemm/rtl-engine.js';
import { lowRankQactCycles } from '../../../src/pe/lowrank-gemm/timing.js';
import type { Rounding } from '../../../src/formats/types.js';
import { bufferLanes } from '../../../src/sim/timing.js';
import { buildSimulationAsync, lintVerilog, type BuiltSimulation } from '../../../src/verify/rtl/verilator.js';
import { synthesize } from '../../../src/verify/rtl/yosys.js';
import { benchTarget, LOWRANK_ACCELERATORS, lowRankEngineFiles } from './rtl-engine-bench.js';

const run = promisify(execFile);
const N = 16; // commands per run

/** The self-bench target with runtime activation quantization. */
function runtimeTarget(name: (typeof LOWRANK_ACCELERATORS)[number]): Target {
  const t = benchTarget(name);
  if (t.pe.kind !== 'lowrank_gemm' || t.golden.kind !== 'lowrank_gemm') throw new Error('not lowrank');
  return { ...t, pe: { ...t.pe, activationQuant: 'runtime' }, golden: { ...t.golden, activationQuant: 'runtime' } };
}

function wrapper(top: string, engine: string, t: Target): string {
  const L = bufferLanes(t);
  const cap = t.capacity;
  const mem = (x: string, c: number): string => `  reg [7:0] ${x}_mem [0:${Math.max(1, c) - 1}];`;
  const rd = (x: 'act' | 'wgt' | 'meta' | 'lrw'): string => `  wire ${x}_rd_en;\n  wire [${bufferAddressBits(cap[x]) - 1}:0] ${x}_rd_addr;\n  reg [${8 * L[x] - 1}:0] ${x}_rd_data;
  integer r_${x};
  always @(posedge clk) if (${x}_rd_en) for (r_${x} = 0; r_${x} < ${L[x]}; r_${x} = r_${x} + 1) ${x}_rd_data[8*r_${x} +: 8] <= ({8'd0, ${x}_rd_addr} + r_${x} < ${cap[x]}) ? ${x}_mem[{8'd0, ${x}_rd_addr} + r_${x}] : 8'h00;`;
  const wr = (x: 'act' | 'meta' | 'out'): string => `  wire ${x}_wr_en;\n  wire [${bufferAddressBits(cap[x]) - 1}:0] ${x}_wr_addr;\n  wire [${8 * L[x] - 1}:0] ${x}_wr_data;\n  wire [${L[x] - 1}:0] ${x}_wr_mask;
  integer w_${x};
  always @(posedge clk) if (${x}_wr_en) for (w_${x} = 0; w_${x} < ${L[x]}; w_${x} = w_${x} + 1) if (${x}_wr_mask[w_${x}]) begin
    if ({8'd0, ${x}_wr_addr} + w_${x} >= ${cap[x]}) begin $display("OUT_OF_RANGE"); $finish; end
    ${x}_mem[{8'd0, ${x}_wr_addr} + w_${x}] <= ${x}_wr_data[8*w_${x} +: 8];
  end`;
  const ports = (x: string, dir: 'rd' | 'wr'): string =>
    dir === 'rd' ? `.${x}_rd_en(${x}_rd_en), .${x}_rd_addr(${x}_rd_addr), .${x}_rd_data(${x}_rd_data)` : `.${x}_wr_en(${x}_wr_en), .${x}_wr_addr(${x}_wr_addr), .${x}_wr_data(${x}_wr_data), .${x}_wr_mask(${x}_wr_mask)`;
  return `/* verilator lint_off WIDTH */
module ${top} (input wire clk);
${mem('act', cap.act)}
${mem('wgt', cap.wgt)}
${mem('meta', cap.meta)}
${mem('lrw', cap.lrw)}
${mem('out', cap.out)}
  reg [241:0] cmds [0:${N - 1}];
  reg [31:0] durs [0:${N}];
  reg [31:0] ncmd [0:0];
${rd('act')}
${rd('wgt')}
${rd('meta')}
${rd('lrw')}
${wr('act')}
${wr('meta')}
${wr('out')}
  wire [7:0] trap_code;
  wire cmd_done;
  reg rst, issue, busy;
  integer pc, s, cyc;
  wire [241:0] cur = cmds[pc];
  initial begin
    $readmemh("act.hex", act_mem);
    $readmemh("meta.hex", meta_mem);
    $readmemh("cmd.hex", cmds);
    $readmemh("n.hex", ncmd);
    cyc = 0; pc = 0; issue = 0; busy = 0; rst = 1; s = 0;
  end
  ${engine} dut (.clk(clk), .rst(rst), .cmd_valid(issue), .cmd_word(cur[127:0]), .cmd_done(cmd_done),
    .cfg_m(cur[143:128]), .cfg_n(cur[159:144]), .cfg_k(cur[175:160]), .cfg_group(cur[191:176]), .cfg_rank(cur[207:192]),
    .cfg_simd(8'd0), .cfg_wsel(1'b0), .cfg_scale(cur[239:208]), .cfg_round(cur[241:240]),
    ${ports('act', 'rd')}, ${ports('wgt', 'rd')}, ${ports('meta', 'rd')}, ${ports('lrw', 'rd')},
    ${ports('out', 'wr')}, ${ports('act', 'wr')}, ${ports('meta', 'wr')},
    .trap_code(trap_code));
  always @(posedge clk) begin
    cyc <= cyc + 1;
    if (cyc == 2) rst <= 0;
    if (cyc == 4) begin issue <= 1; busy <= 1; s <= 5; end
    else if (busy) begin
      issue <= 0;
      if (cmd_done) begin
        durs[pc] <= cyc - s + 1;
        if (pc + 1 == ncmd[0]) begin
          busy <= 0;
          durs[${N}] <= {24'd0, trap_code};
        end else begin
          pc <= pc + 1;
          issue <= 1;
          s <= cyc + 1;
        end
      end
    end else if (cyc > 5) begin
      $writememh("act.hex", act_mem);
      $writememh("meta.hex", meta_mem);
      $writememh("cyc.hex", durs);
      $display("DONE");
      $finish;
    end
    if (cyc > 2000000) begin $display("TIMEOUT"); $finish; end
  end
endmodule
`;
}

const MAIN = (top: string): string => `#include "V${top}.h"
#include "verilated.h"
int main(int argc, char** argv) {
  VerilatedContext* ctx = new VerilatedContext;
  ctx->commandArgs(argc, argv);
  V${top}* top = new V${top}{ctx};
  top->clk = 0;
  while (!ctx->gotFinish()) { top->clk = !top->clk; top->eval(); ctx->timeInc(1); }
  top->final();
  delete top;
  delete ctx;
  return 0;
}
`;

function build(t: Target, name: string): Promise<BuiltSimulation> {
  const top = `lrq_${name}`;
  const { engine, files } = lowRankEngineFiles(t, top);
  const bench = `engine_lowrank_qact_bench_${name}`;
  return buildSimulationAsync({ top: bench, files: [...files, { path: `${bench}.v`, text: wrapper(bench, engine, t) }], testbench: MAIN(bench) });
}

interface QactCommand {
  readonly m: number;
  readonly k: number;
  readonly src: number;
  readonly dst: number;
  readonly scales: number;
  /** ISA rounding code: 0 rne, 1 rtz, 2 rna, 3 stochastic. */
  readonly rounding: number;
}

async function runBench(sim: BuiltSimulation, t: Target, act: Uint8Array, meta: Uint8Array, cmds: readonly QactCommand[]): Promise<{ act: Uint8Array; meta: Uint8Array; cycles: number[]; trap: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'qacc-lrq-'));
  const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('\n') + '\n';
  try {
    await writeFile(join(dir, 'act.hex'), hex(act));
    await writeFile(join(dir, 'meta.hex'), hex(meta));
    const line = (c: QactCommand): string => {
      const word = encodeInstruction(createInstruction('qact', { src: c.src, dst: c.dst, scales: c.scales }));
      return ((BigInt(c.rounding) << 240n) | (0x3f800000n << 208n) | (BigInt(t.groupSize) << 176n) | (BigInt(c.k) << 160n) | (1n << 144n) | (BigInt(c.m) << 128n) | word).toString(16);
    };
    await writeFile(join(dir, 'cmd.hex'), cmds.map(line).join('\n') + '\n');
    await writeFile(join(dir, 'n.hex'), `${cmds.length.toString(16)}\n`);
    const r = await run(sim.binary, [], { cwd: dir, timeout: 120_000, killSignal: 'SIGKILL' });
    if (!/DONE/.test(r.stdout)) throw new Error(`bench failed: ${r.stdout} ${r.stderr}`);
    const words = async (f: string): Promise<number[]> => (await readFile(join(dir, f), 'utf8')).split(/\s+/).filter((w) => w && !w.startsWith('//')).map((w) => parseInt(w, 16));
    const d = await words('cyc.hex');
    return { act: Uint8Array.from(await words('act.hex')), meta: Uint8Array.from(await words('meta.hex')), cycles: d.slice(0, cmds.length), trap: d[N] };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** mulberry32. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const ROUNDING: readonly Rounding[] = ['rne', 'rtz', 'rna'];

describe.each(LOWRANK_ACCELERATORS)('lowrank_gemm engine qact (%s, runtime, 2 × 3 array)', (name) => {
  const t = runtimeTarget(name);
  const cfg = t.golden;
  if (cfg.kind !== 'lowrank_gemm') throw new Error('not lowrank');
  const SB = t.bits.gscale;
  const GS = t.groupSize;
  const bf16 = cfg.branchFormat === 'bf16';
  let sim: BuiltSimulation;
  beforeAll(async () => {
    sim = await build(t, name);
  }, 900_000);

  it('writes the simulator’s codes and scales, byte for byte, in lowRankQactCycles', async () => {
    const rnd = prng(name.length * 7 + 1);
    const act = Uint8Array.from({ length: t.capacity.act }, () => Math.floor(rnd() * 256));
    const meta = Uint8Array.from({ length: t.capacity.meta }, () => Math.floor(rnd() * 256));
    const wantAct = act.slice();
    const wantMeta = meta.slice();
    const x16 = (): number => {
      const u = rnd();
      if (u < 0.05) return [0x0000, 0x8000, 0x0001, bf16 ? 0x7f80 : 0x7c00, bf16 ? 0xff80 : 0xfc00, bf16 ? 0x7fc0 : 0x7e00][Math.floor(rnd() * 6)];
      const sign = rnd() < 0.5 ? 0x8000 : 0;
      return bf16 ? sign | ((110 + Math.floor(rnd() * 30)) << 7) | Math.floor(rnd() * 128) : sign | ((2 + Math.floor(rnd() * 26)) << 10) | Math.floor(rnd() * 1024);
    };
    // (m, k): full and partial columns, one and several groups, partial last groups, odd k, an all-zero row;
    // then m passes (m > cols: the engine quantizes cols rows per pass), full and partial
    const C = t.array.cols;
    const shapes: [number, number][] = [[3, 150], [2, 67], [1, 1], [3, 40], [3, 17], [1, 160], [2, 33], [2, 48], [2 * C, 70], [C * t.tilePassesM - 1, 19]];
    const cmds: QactCommand[] = [];
    const cycles: number[] = [];
    let at = { act: 0, meta: 0 };
    shapes.forEach(([m, k], i) => {
      const rounding = i % 3;
      const G = Math.ceil(k / GS);
      const src = at.act + 1 + (i % 3);
      const x = Array.from({ length: m * k }, (_, e) => (i === 4 && e < k ? 0 : x16()));
      packMatrix(x, m, k, 16, act, src);
      packMatrix(x, m, k, 16, wantAct, src);
      const dst = src + m * 2 * k + (i % 2);
      const scales = at.meta + 1 + (i % 2);
      at = { act: dst + m * rowBytes(k, 4), meta: scales + m * rowBytes(G, SB) };
      const q = lowRankQuantizeActivations(cfg, m, k, x, ROUNDING[rounding]);
      wantAct.fill(0, dst, dst + m * rowBytes(k, 4));
      packMatrix(q.qa, m, k, 4, wantAct, dst);
      wantMeta.fill(0, scales, scales + m * rowBytes(G, SB));
      packMatrix(q.sa, m, G, SB, wantMeta, scales);
      cmds.push({ m, k, src, dst, scales, rounding });
      cycles.push(lowRankQactCycles(t, m, k, GS));
    });
    expect(at.act).toBeLessThanOrEqual(t.capacity.act);
    expect(at.meta).toBeLessThanOrEqual(t.capacity.meta);
    const got = await runBench(sim, t, act, meta, cmds);
    expect(got.trap).toBe(0);
    expect(got.cycles).toEqual(cycles);
    const diff = (a: Uint8Array, b: Uint8Array): number[] => Array.from(a.keys()).filter((i) => a[i] !== b[i]).slice(0, 8);
    expect(diff(got.act, wantAct)).toEqual([]);
    expect(diff(got.meta, wantMeta)).toEqual([]);
  });

  it('lints clean under verilator -Wall (engine with its qact part)', async () => {
    const { engine, files } = lowRankEngineFiles(t, `lrq_${name}`);
    expect(await lintVerilog(engine, files)).toEqual([]);
  });

  it('traps on stochastic rounding, m > cols × m passes and codes past the act buffer', async () => {
    const act = new Uint8Array(t.capacity.act);
    const meta = new Uint8Array(t.capacity.meta);
    const ok: QactCommand = { m: 1, k: 8, src: 0, dst: 64, scales: 0, rounding: 0 };
    const cases: [QactCommand, number][] = [
      [{ ...ok, rounding: 3 }, LOWRANK_TRAP.unsupported],
      [{ ...ok, m: t.array.cols * t.tilePassesM + 1 }, LOWRANK_TRAP.shape],
      [{ ...ok, dst: t.capacity.act - 2 }, LOWRANK_TRAP.range],
    ];
    for (const [cmd, code] of cases) {
      const got = await runBench(sim, t, act, meta, [ok, cmd]);
      expect(got.trap, JSON.stringify(cmd)).toBe(code);
    }
  });
});

describe('lowrank_gemm engine with qact: synthesis', () => {
  it('synthesizes with Yosys at a small size (1 × 1 array, one branch lane)', async () => {
    const base = runtimeTarget('svdquant_w4a4');
    const t: Target = { ...base, array: { ...base.array, rows: 1, cols: 1 }, maxTileK: 16, pe: { ...base.pe, lanes: 4 } as Target['pe'] };
    const { engine, files } = lowRankEngineFiles(t, 'lrq_synth');
    const r = await synthesize(engine, files);
    expect(r.cells).toBeGreaterThan(0);
  }, 600_000);
});
