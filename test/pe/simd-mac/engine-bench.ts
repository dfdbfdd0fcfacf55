/**
 * Self-bench of the simd_mac tile engine: a Verilog wrapper around the generated engine with behavioural
 * buffer memories (act, wgt and out loaded by $readmemh; synchronous LANES-byte reads at any byte address,
 * masked LANES-byte writes, as docs/array-rtl.md "Buffers" says), a command list (instruction word plus
 * the settile / setmode registers the controller would hold) issued back to back — each command presented
 * in the cycle after the previous one's cmd_done, as the controller does — and $writememh of the out
 * memory, each command's duration D (cmd_done in cycle s + D − 1) and the trap code. The C++ main only
 * toggles the clock. Built with Verilator through the content-hash cache (buildSimulation).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Target } from '../../../src/compile/target.js';
import { emitModules, type GeneratedFile } from '../../../src/codegen/verilog/emit.js';
import { simdMacEngine } from '../../../src/pe/simd-mac/rtl-engine.js';
import { ModuleSet } from '../../../src/codegen/verilog/module-set.js';
import { rtlTemplates } from '../../../src/verify/rtl/templates.js';
import { buildSimulationAsync, type BuiltSimulation } from '../../../src/verify/rtl/verilator.js';
import { bufferLanes } from '../../../src/sim/timing.js';

/** One engine command: the instruction word and the configuration registers it runs under. */
export interface EngineCommand {
  readonly word: bigint;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly simd: number;
}

/** What a bench run returns. */
export interface EngineRun {
  readonly out: Uint8Array;
  /** Duration of each command (cycles). */
  readonly cycles: number[];
  readonly trap: number;
}

const aw = (cap: number): number => Math.max(1, Math.ceil(Math.log2(Math.max(1, cap))));

/** Commands per bench run (the wrapper's command memory; a run names how many it uses). */
export const BENCH_MAX_COMMANDS = 64;

function wrapper(top: string, engine: string, t: Target): string {
  const commands = BENCH_MAX_COMMANDS;
  const L = bufferLanes(t);
  const cap = t.capacity;
  const port = (x: 'act' | 'wgt' | 'meta' | 'lrw'): string => `  wire ${x}_rd_en;\n  wire [${aw(cap[x]) - 1}:0] ${x}_rd_addr;\n  reg [${8 * L[x] - 1}:0] ${x}_rd_data;`;
  const read = (x: 'act' | 'wgt'): string => `
  integer l_${x};
  always @(posedge clk) if (${x}_rd_en) for (l_${x} = 0; l_${x} < ${L[x]}; l_${x} = l_${x} + 1) ${x}_rd_data[8*l_${x} +: 8] <= ({8'd0, ${x}_rd_addr} + l_${x} < ${cap[x]}) ? ${x}_mem[{8'd0, ${x}_rd_addr} + l_${x}] : 8'h00;`;
  return `/* verilator lint_off WIDTH */
module ${top} (input wire clk);
  reg [7:0] act_mem [0:${cap.act - 1}];
  reg [7:0] wgt_mem [0:${cap.wgt - 1}];
  reg [7:0] out_mem [0:${cap.out - 1}];
  reg [183:0] cmds [0:${commands - 1}];
  reg [31:0] durs [0:${commands}];
  reg [31:0] ncmd [0:0];
${port('act')}
${port('wgt')}
${port('meta')}
${port('lrw')}
  wire out_wr_en;
  wire [${aw(cap.out) - 1}:0] out_wr_addr;
  wire [${8 * L.out - 1}:0] out_wr_data;
  wire [${L.out - 1}:0] out_wr_mask;
  wire [7:0] trap_code;
  wire cmd_done;
  reg rst, issue, busy;
  integer pc, s, cyc, l;
  wire [183:0] cur = cmds[pc];
  initial begin
    $readmemh("act.hex", act_mem);
    $readmemh("wgt.hex", wgt_mem);
    $readmemh("out.hex", out_mem);
    $readmemh("cmd.hex", cmds);
    $readmemh("n.hex", ncmd);
    cyc = 0; pc = 0; issue = 0; busy = 0; rst = 1; s = 0;
    meta_rd_data = 0; lrw_rd_data = 0;
  end
${read('act')}
${read('wgt')}
  always @(posedge clk) if (out_wr_en) for (l = 0; l < ${L.out}; l = l + 1) if (out_wr_mask[l]) begin
    if ({8'd0, out_wr_addr} + l >= ${cap.out}) begin $display("OUT_OF_RANGE"); $finish; end
    out_mem[{8'd0, out_wr_addr} + l] <= out_wr_data[8*l +: 8];
  end
  ${engine} dut (.clk(clk), .rst(rst), .cmd_valid(issue), .cmd_word(cur[127:0]), .cmd_done(cmd_done),
    .cfg_m(cur[143:128]), .cfg_n(cur[159:144]), .cfg_k(cur[175:160]), .cfg_group(16'd1), .cfg_rank(16'd0),
    .cfg_simd(cur[183:176]), .cfg_wsel(1'b0), .cfg_scale(32'h3f800000),
    .act_rd_en(act_rd_en), .act_rd_addr(act_rd_addr), .act_rd_data(act_rd_data),
    .wgt_rd_en(wgt_rd_en), .wgt_rd_addr(wgt_rd_addr), .wgt_rd_data(wgt_rd_data),
    .meta_rd_en(meta_rd_en), .meta_rd_addr(meta_rd_addr), .meta_rd_data(meta_rd_data),
    .lrw_rd_en(lrw_rd_en), .lrw_rd_addr(lrw_rd_addr), .lrw_rd_data(lrw_rd_data),
    .out_wr_en(out_wr_en), .out_wr_addr(out_wr_addr), .out_wr_data(out_wr_data), .out_wr_mask(out_wr_mask),
    .trap_code(trap_code));
  always @(posedge clk) begin
    cyc <= cyc + 1;
    if (cyc == 2) rst <= 0;
    if (meta_rd_en || lrw_rd_en) begin $display("BAD_PORT"); $finish; end
    if (cyc == 4) begin issue <= 1; busy <= 1; s <= 5; end
    else if (busy) begin
      issue <= 0;
      if (cmd_done) begin
        durs[pc] <= cyc - s + 1;
        if (pc + 1 == ncmd[0]) busy <= 0;
        else begin
          pc <= pc + 1;
          issue <= 1;
          s <= cyc + 1;
        end
      end
    end else if (cyc > 5) begin
      // a trap raised by the last command is visible from the cycle after it
      durs[${commands}] = {24'd0, trap_code};
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
export function engineFiles(t: Target, top: string): { engine: string; files: GeneratedFile[] } {
  const set = new ModuleSet();
  const engine = `${top}_engine_simd_mac`;
  set.add(simdMacEngine(t, { moduleName: engine, prefix: `${top}_`, peModuleName: `${top}_simd_pe` }));
  return { engine, files: emitModules(set, rtlTemplates, { source: 'test', version: 'test' }) };
}

/** Builds the bench of a target (cached on disk by content). */
export function buildEngineBench(t: Target, top: string): Promise<BuiltSimulation> {
  const { engine, files } = engineFiles(t, top);
  const bench = `engine_simd_mac_bench_${top}`;
  return buildSimulationAsync({ top: bench, files: [...files, { path: `${bench}.v`, text: wrapper(bench, engine, t) }], testbench: main(bench) });
}

const hexBytes = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('\n') + '\n';

/** Runs the bench on buffer images and commands. */
export function runEngineBench(sim: BuiltSimulation, act: Uint8Array, wgt: Uint8Array, outInit: Uint8Array, commands: readonly EngineCommand[]): EngineRun {
  const dir = mkdtempSync(join(tmpdir(), 'qacc-simd-engine-'));
  try {
    writeFileSync(join(dir, 'act.hex'), hexBytes(act));
    writeFileSync(join(dir, 'wgt.hex'), hexBytes(wgt));
    writeFileSync(join(dir, 'out.hex'), hexBytes(outInit));
    const line = (c: EngineCommand): string => ((BigInt(c.simd) << 176n) | (BigInt(c.k) << 160n) | (BigInt(c.n) << 144n) | (BigInt(c.m) << 128n) | c.word).toString(16).padStart(46, '0');
    if (commands.length < 1 || commands.length > BENCH_MAX_COMMANDS) throw new Error(`1..${BENCH_MAX_COMMANDS} commands per run`);
    writeFileSync(join(dir, 'cmd.hex'), commands.map(line).join('\n') + '\n');
    writeFileSync(join(dir, 'n.hex'), `${commands.length.toString(16)}\n`);
    const r = spawnSync(sim.binary, [], { cwd: dir, encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
    if (!/DONE/.test(r.stdout)) throw new Error(`engine bench failed: ${r.stdout} ${r.stderr}`);
    const words = (name: string): number[] => readFileSync(join(dir, name), 'utf8').split(/\s+/).filter((w) => w && !w.startsWith('//')).map((w) => parseInt(w, 16));
    const out = Uint8Array.from(words('out.hex'));
    const d = words('cyc.hex');
    return { out, cycles: d.slice(0, commands.length), trap: d[BENCH_MAX_COMMANDS] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
