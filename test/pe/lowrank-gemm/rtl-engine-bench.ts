/**
 * Self-bench of the lowrank_gemm tile engine: a Verilog wrapper around the generated engine with
 * behavioural buffer memories (act, wgt, meta, lrw and out loaded by $readmemh; synchronous LANES-byte
 * reads at any byte address, masked LANES-byte writes, as docs/array-rtl.md "Buffers" says), a command
 * list (instruction word plus the settile / setmode / setscale registers the controller would hold)
 * issued back to back — each command in the cycle after the previous one's cmd_done, as the controller
 * does — and $writememh of the out memory, each command's duration D (cmd_done in cycle s + D − 1) and
 * the trap code. The C++ main only toggles the clock. Built with Verilator through the content-hash cache,
 * as a child process the test awaits (`prebuildLowRank`), so a test worker is never blocked by a
 * minute-long build. Also the shrunk SVDQuant targets of the self-bench.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveTarget, type Target } from '../../../src/compile/target.js';
import { compileFile } from '../../../src/ir/elaborate.js';
import { emitModules, type GeneratedFile } from '../../../src/codegen/verilog/emit.js';
import { lowRankEngine } from '../../../src/pe/lowrank-gemm/rtl-engine.js';
import { bufferAddressBits } from '../../../src/arch/microarch.js';
import { ModuleSet } from '../../../src/codegen/verilog/module-set.js';
import type { IsaBuffer } from '../../../src/isa/index.js';
import { bufferLanes } from '../../../src/sim/timing.js';
import { rtlTemplates } from '../../../src/verify/rtl/templates.js';
import { buildSimulationAsync, type BuiltSimulation } from '../../../src/verify/rtl/verilator.js';

/** One engine command: the instruction word and the configuration registers it runs under. */
export interface LowRankCommand {
  readonly word: bigint;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly group: number;
  readonly rank: number;
  /** fp32 bits of the setscale register. */
  readonly scale: number;
}

export interface LowRankRun {
  readonly out: Uint8Array;
  readonly cycles: number[];
  readonly trap: number;
}

/** Commands per bench run. */
export const LOWRANK_BENCH_COMMANDS = 64;
const READ: readonly IsaBuffer[] = ['act', 'wgt', 'meta', 'lrw'];

function wrapper(top: string, engine: string, t: Target): string {
  const N = LOWRANK_BENCH_COMMANDS;
  const L = bufferLanes(t);
  const cap = t.capacity;
  const mem = (x: IsaBuffer): string => `  reg [7:0] ${x}_mem [0:${Math.max(1, cap[x]) - 1}];`;
  const port = (x: IsaBuffer): string => `  wire ${x}_rd_en;\n  wire [${bufferAddressBits(cap[x]) - 1}:0] ${x}_rd_addr;\n  reg [${8 * L[x] - 1}:0] ${x}_rd_data;
  integer l_${x};
  always @(posedge clk) if (${x}_rd_en) for (l_${x} = 0; l_${x} < ${L[x]}; l_${x} = l_${x} + 1) ${x}_rd_data[8*l_${x} +: 8] <= ({8'd0, ${x}_rd_addr} + l_${x} < ${cap[x]}) ? ${x}_mem[{8'd0, ${x}_rd_addr} + l_${x}] : 8'h00;`;
  return `/* verilator lint_off WIDTH */
module ${top} (input wire clk);
${READ.map(mem).join('\n')}
${mem('out')}
  reg [239:0] cmds [0:${N - 1}];
  reg [31:0] durs [0:${N}];
  reg [31:0] ncmd [0:0];
${READ.map(port).join('\n')}
  wire out_wr_en;
  wire [${bufferAddressBits(cap.out) - 1}:0] out_wr_addr;
  wire [${8 * L.out - 1}:0] out_wr_data;
  wire [${L.out - 1}:0] out_wr_mask;
  wire [7:0] trap_code;
  wire cmd_done;
  reg rst, issue, busy;
  integer pc, s, cyc, l;
  wire [239:0] cur = cmds[pc];
  initial begin
${READ.map((x) => `    $readmemh("${x}.hex", ${x}_mem);`).join('\n')}
    $readmemh("out.hex", out_mem);
    $readmemh("cmd.hex", cmds);
    $readmemh("n.hex", ncmd);
    cyc = 0; pc = 0; issue = 0; busy = 0; rst = 1; s = 0;
  end
  always @(posedge clk) if (out_wr_en) for (l = 0; l < ${L.out}; l = l + 1) if (out_wr_mask[l]) begin
    if ({8'd0, out_wr_addr} + l >= ${cap.out}) begin $display("OUT_OF_RANGE"); $finish; end
    out_mem[{8'd0, out_wr_addr} + l] <= out_wr_data[8*l +: 8];
  end
  ${engine} dut (.clk(clk), .rst(rst), .cmd_valid(issue), .cmd_word(cur[127:0]), .cmd_done(cmd_done),
    .cfg_m(cur[143:128]), .cfg_n(cur[159:144]), .cfg_k(cur[175:160]), .cfg_group(cur[191:176]), .cfg_rank(cur[207:192]),
    .cfg_simd(8'd0), .cfg_wsel(1'b0), .cfg_scale(cur[239:208]),
${READ.map((x) => `    .${x}_rd_en(${x}_rd_en), .${x}_rd_addr(${x}_rd_addr), .${x}_rd_data(${x}_rd_data),`).join('\n')}
    .out_wr_en(out_wr_en), .out_wr_addr(out_wr_addr), .out_wr_data(out_wr_data), .out_wr_mask(out_wr_mask),
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
      $writememh("out.hex", out_mem);
      $writememh("cyc.hex", durs);
      $display("DONE");
      $finish;
    end
    if (cyc > 2000000) begin $display("TIMEOUT"); $finish; end
  end
endmodule
`;
}

function main(top: string): string {
  return `#include "V${top}.h"
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
}

/** The engine's generated files (prefix `<top>_`). */
export function lowRankEngineFiles(t: Target, top: string): { engine: string; files: GeneratedFile[] } {
  const set = new ModuleSet();
  const engine = `${top}_engine_lowrank`;
  set.add(lowRankEngine(t, { moduleName: engine, prefix: `${top}_`, peModuleName: `${top}_pe` }));
  return { engine, files: emitModules(set, rtlTemplates, { source: 'test', version: 'test' }) };
}

/** Builds the bench of a target (cached on disk by content). */
export function buildLowRankBench(t: Target, top: string): Promise<BuiltSimulation> {
  const { engine, files } = lowRankEngineFiles(t, top);
  const bench = `engine_lowrank_bench_${top}`;
  return buildSimulationAsync({ top: bench, files: [...files, { path: `${bench}.v`, text: wrapper(bench, engine, t) }], testbench: main(bench) });
}

const hexBytes = (b: Uint8Array): string => (b.length ? Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('\n') : '00') + '\n';

/** Runs the bench on buffer images (act, wgt, meta, lrw, initial out) and commands. */
export function runLowRankBench(sim: BuiltSimulation, bufs: Readonly<Record<IsaBuffer, Uint8Array>>, commands: readonly LowRankCommand[]): LowRankRun {
  const dir = mkdtempSync(join(tmpdir(), 'qacc-lowrank-engine-'));
  try {
    for (const x of [...READ, 'out'] as const) writeFileSync(join(dir, `${x}.hex`), hexBytes(bufs[x]));
    const line = (c: LowRankCommand): string =>
      ((BigInt(c.scale >>> 0) << 208n) | (BigInt(c.rank) << 192n) | (BigInt(c.group) << 176n) | (BigInt(c.k) << 160n) | (BigInt(c.n) << 144n) | (BigInt(c.m) << 128n) | c.word).toString(16).padStart(60, '0');
    if (commands.length < 1 || commands.length > LOWRANK_BENCH_COMMANDS) throw new Error(`1..${LOWRANK_BENCH_COMMANDS} commands per run`);
    writeFileSync(join(dir, 'cmd.hex'), commands.map(line).join('\n') + '\n');
    writeFileSync(join(dir, 'n.hex'), `${commands.length.toString(16)}\n`);
    const r = spawnSync(sim.binary, [], { cwd: dir, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
    if (!/DONE/.test(r.stdout)) throw new Error(`engine bench failed: ${r.stdout} ${r.stderr}`);
    const words = (name: string): number[] => readFileSync(join(dir, name), 'utf8').split(/\s+/).filter((w) => w && !w.startsWith('//')).map((w) => parseInt(w, 16));
    const out = Uint8Array.from(words('out.hex'));
    const d = words('cyc.hex');
    return { out, cycles: d.slice(0, commands.length), trap: d[LOWRANK_BENCH_COMMANDS] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The two SVDQuant accelerators of examples/svdquant.qacc. */
export const LOWRANK_ACCELERATORS = ['svdquant_w4a4', 'svdquant_nvfp4'] as const;
export type LowRankAccelerator = (typeof LOWRANK_ACCELERATORS)[number];

/** Self-bench array and rank: rank > rows, so lr_down takes two passes (the second partial). */
export const BENCH_ROWS = 2;
export const BENCH_COLS = 3;
export const BENCH_RANK = 3;
/** Self-bench multi-pass tiles: up to 3 × 3 array passes (m ≤ 3 · cols, n ≤ 3 · rows: qgemm_tile's shell order differs from n passes outer). */
export const BENCH_PASSES = 3;

function accelerator(name: LowRankAccelerator) {
  const c = compileFile(resolve(ROOT, 'examples/svdquant.qacc'), { readFile: (p) => readFileSync(p, 'utf8') }, {});
  const a = c.design?.accelerators.find((x) => x.name === name);
  if (!a) throw new Error(`examples/svdquant.qacc has no ${name}`);
  return a;
}

/**
 * An svdquant accelerator shrunk for the self-bench: 2 × 3 array, 8 lanes, rank 3, 160-deep staging, odd ports,
 * tiles of up to 3 × 3 passes (9 tokens × 6 channels).
 * svdquant_nvfp4 also declares channel scales here (its fp32 epilogue then multiplies by them), but no LoRA
 * scales, so both epilogue forms of channel scales and the trap of an undeclared use_lscale are exercised.
 */
export function benchTarget(name: LowRankAccelerator): Target {
  const t = resolveTarget(accelerator(name));
  if (t.pe.kind !== 'lowrank_gemm' || t.golden.kind !== 'lowrank_gemm') throw new Error('not lowrank');
  return {
    ...t,
    array: { ...t.array, rows: BENCH_ROWS, cols: BENCH_COLS },
    // offline activations: this bench has no act / meta write ports (qact's engine bench: rtl-engine-qact.test.ts)
    pe: { ...t.pe, lanes: 8, rank: BENCH_RANK, channelScales: true, activationQuant: 'offline' },
    golden: { ...t.golden, rank: BENCH_RANK, activationQuant: 'offline' },
    maxTileK: 160,
    capacity: { act: 8192, wgt: 2048, meta: 512, lrw: 4096, out: 256 },
    portBytes: { act: 6, wgt: 4, meta: 3, lrw: 10, out: 4 },
    tilePassesM: BENCH_PASSES,
    tilePassesN: BENCH_PASSES,
    accEntries: BENCH_ROWS * BENCH_COLS * BENCH_PASSES * BENCH_PASSES,
    lrtEntries: BENCH_COLS * BENCH_PASSES * BENCH_RANK,
  };
}

/** Builds the self-benches (`bench:<name>`) (Verilator as a child process the caller awaits). */
export async function prebuildLowRank(what: readonly string[]): Promise<void> {
  for (const arg of what) {
    const [kind, name] = arg.split(':');
    const a = LOWRANK_ACCELERATORS.find((x) => x === name);
    if (!a) throw new Error(`unknown lowrank accelerator ${name}`);
    if (kind === 'bench') await buildLowRankBench(benchTarget(a), `lr_${a}`);
    else throw new Error(`unknown prebuild ${arg}`);
  }
}
