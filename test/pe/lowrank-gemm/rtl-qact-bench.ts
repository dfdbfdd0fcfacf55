/**
 * Self-bench of lowrank_gemm's qact column unit (src/pe/lowrank-gemm/rtl-qact.ts): one Verilog wrapper with
 * one column unit per configuration of `QACT_BENCH_CONFIGS` (int4 / uint4 / NVFP4 codes; fp16, bf16 and
 * fp8_e4m3 scales; fp16 and bf16 raw X), all fed the same 16-bit codes. Each group is driven as timing.ts
 * counts its beats (ceil(len / B) absolute-maximum beats, one scale beat, ceil(len / B) code beats) and
 * its scale code and codes are written out with $writememh. The C++ main only toggles the clock. Built
 * through Verilator's content-hash cache as a child process (`buildQactBench`), run as an awaited child
 * process (`runQactBench`), so no test worker is blocked.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { emitModules } from '../../../src/codegen/verilog/emit.js';
import { ModuleSet } from '../../../src/codegen/verilog/module-set.js';
import { lowRankScaleFormat, type LowRankGemmConfig } from '../../../src/pe/lowrank-gemm/golden.js';
import { qactColumn } from '../../../src/pe/lowrank-gemm/rtl-qact.js';
import { rtlTemplates } from '../../../src/verify/rtl/templates.js';
import { buildSimulationAsync, type BuiltSimulation } from '../../../src/verify/rtl/verilator.js';

const run = promisify(execFile);

/** Lanes of each column unit (16-bit elements per beat) and the longest group of a record. */
export const QACT_LANES = 3;
export const QACT_LMAX = 8;

const cfg = (main: LowRankGemmConfig['main'], branchFormat: 'fp16' | 'bf16'): LowRankGemmConfig => ({ kind: 'lowrank_gemm', main, accumulation: 'fp32', rank: 0, branchFormat, activationQuant: 'runtime' });

/** The units of the bench: every act format, scale format and raw-X format qact takes. */
export const QACT_BENCH_CONFIGS: readonly LowRankGemmConfig[] = [
  cfg({ kind: 'int4', activations: 'int4', groupSize: 64, scaleFormat: 'fp16' }, 'fp16'),
  cfg({ kind: 'int4', activations: 'uint4', groupSize: 64, scaleFormat: 'bf16' }, 'bf16'),
  cfg({ kind: 'nvfp4', groupSize: 16 }, 'fp16'),
  cfg({ kind: 'nvfp4', groupSize: 16 }, 'bf16'),
  cfg({ kind: 'int4', activations: 'int4', groupSize: 64, scaleFormat: 'bf16' }, 'bf16'),
];

/** One group: 1..QACT_LMAX 16-bit codes and the ISA rounding code (0 rne, 1 rtz, 2 rna). */
export interface QactGroup {
  readonly x: readonly number[];
  readonly rounding: number;
}

/** What each unit produced for a group. */
export interface QactResult {
  readonly scaleCode: number;
  readonly codes: number[];
}

const U = QACT_BENCH_CONFIGS.length;
const B = QACT_LANES;
const L = QACT_LMAX;
const REC = 16 + 16 * L;
const RES = 16 + 4 * L;

function wrapper(top: string, units: readonly string[], n: number): string {
  const inst = units
    .map((u, i) => {
      const sb = lowRankScaleFormat(QACT_BENCH_CONFIGS[i]).bits;
      return `  wire [${4 * B - 1}:0] q${i};
  wire [${sb - 1}:0] sa${i};
  ${u} u${i} (.clk(clk), .op(op), .gfirst(b == 0), .x(xb), .bv(bv), .rnd(rnd), .q(q${i}), .sa(sa${i}));
`;
    })
    .join('');
  const capture = units.map((_, i) => `            if (B * b + l < len) row[${i * RES + 16} + 4 * (B * b + l) +: 4] <= q${i}[4 * l +: 4];`).join('\n');
  const scales = units.map((_, i) => `          row[${i * RES} +: ${lowRankScaleFormat(QACT_BENCH_CONFIGS[i]).bits}] <= sa${i};`).join('\n');
  return `/* verilator lint_off WIDTH */
module ${top} (input wire clk);
  localparam integer B = ${B};
  reg [${REC - 1}:0] stim [0:${n - 1}];
  reg [${U * RES - 1}:0] res [0:${n - 1}];
  reg [${U * RES - 1}:0] row;
  reg [31:0] ncnt [0:0];
  integer g, b, l, ph;
  wire [${REC - 1}:0] cur = stim[g];
  wire [7:0] len = cur[7:0];
  wire [1:0] rnd = cur[9:8];
  wire [${16 * (L + B) - 1}:0] xs = {${16 * B}'d0, cur[${REC - 1}:16]};
  wire [${16 * B - 1}:0] xb = xs[${16 * B} * b +: ${16 * B}];
  wire [7:0] nb = (len + B - 1) / B;
  wire [${B - 1}:0] bv;
  genvar gl;
  generate for (gl = 0; gl < B; gl = gl + 1) begin : g_bv
    assign bv[gl] = B * b + gl < len;
  end endgenerate
  wire [1:0] op = ph == 1 ? 2'd1 : ph == 2 ? 2'd2 : ph == 3 ? 2'd3 : 2'd0;
${inst}
  initial begin
    $readmemh("stim.hex", stim);
    $readmemh("n.hex", ncnt);
    g = 0; b = 0; ph = 1; row = 0;
  end
  always @(posedge clk) begin
    case (ph)
      1: if (b + 1 == nb) begin b <= 0; ph <= 2; end else b <= b + 1;
      2: ph <= 3;
      3: begin
          for (l = 0; l < B; l = l + 1) begin
${capture}
          end
          if (b + 1 == nb) begin b <= 0; ph <= 4; end else b <= b + 1;
        end
      4: begin
${scales}
          ph <= 5;
        end
      default: begin
          res[g] <= row;
          row <= 0;
          if (g + 1 == ncnt[0]) begin
            ph <= 6;
          end else begin
            g <= g + 1;
            ph <= 1;
          end
        end
    endcase
    if (ph == 6) begin
      $writememh("res.hex", res, 0, ncnt[0] - 1);
      $display("DONE");
      $finish;
    end
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

/** Records the bench holds (its memory depth; a run reads as many as it is given). */
const BENCH_GROUPS = 1 << 18;

/** The generated unit files and the bench's top module name. */
export function qactBenchFiles(): { top: string; files: ReturnType<typeof emitModules> } {
  const set = new ModuleSet();
  const units = QACT_BENCH_CONFIGS.map((c, i) => set.add(qactColumn(c, B, `qact_bench_col${i}`)).name);
  const top = 'qact_bench';
  return { top, files: [...emitModules(set, rtlTemplates, { source: 'test', version: 'test' }), { path: `${top}.v`, text: wrapper(top, units, BENCH_GROUPS) }] };
}

/** Builds the bench (Verilator as an awaited child process; cached by content). */
export function buildQactBench(): Promise<BuiltSimulation> {
  const { top, files } = qactBenchFiles();
  return buildSimulationAsync({ top, files, testbench: main(top) });
}

/** Runs groups (at most 2^18) through every unit; result[g][u] is unit u's result for group g. */
export async function runQactBench(sim: BuiltSimulation, groups: readonly QactGroup[]): Promise<QactResult[][]> {
  if (groups.length < 1 || groups.length > BENCH_GROUPS) throw new Error(`1..${BENCH_GROUPS} groups per run`);
  const dir = await mkdtemp(join(tmpdir(), 'qacc-qact-bench-'));
  try {
    const lines: string[] = [];
    for (const grp of groups) {
      if (grp.x.length < 1 || grp.x.length > L) throw new Error(`groups of 1..${L} elements`);
      let w = BigInt(grp.x.length) | (BigInt(grp.rounding) << 8n);
      grp.x.forEach((c, e) => (w |= BigInt(c) << BigInt(16 + 16 * e)));
      lines.push(w.toString(16));
    }
    await writeFile(join(dir, 'stim.hex'), lines.join('\n') + '\n');
    await writeFile(join(dir, 'n.hex'), `${groups.length.toString(16)}\n`);
    const r = await run(sim.binary, [], { cwd: dir, timeout: 300_000, killSignal: 'SIGKILL', maxBuffer: 1 << 20 });
    if (!/DONE/.test(r.stdout)) throw new Error(`qact bench failed: ${r.stdout} ${r.stderr}`);
    const words = (await readFile(join(dir, 'res.hex'), 'utf8')).split(/\s+/).filter((w) => w && !w.startsWith('//'));
    return groups.map((grp, g) => {
      const v = BigInt(`0x${words[g]}`);
      return QACT_BENCH_CONFIGS.map((_, u) => {
        const base = BigInt(u * RES);
        const scaleCode = Number((v >> base) & 0xffffn);
        const codes = grp.x.map((_, e) => Number((v >> (base + 16n + BigInt(4 * e))) & 0xfn));
        return { scaleCode, codes };
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
