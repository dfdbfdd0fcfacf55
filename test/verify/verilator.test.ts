/**
 * The Verilator driver: a missing tool is one clear error naming the install command (never a skip),
 * builds are cached by content hash (a rebuild of the same sources is a cache hit, a changed source is
 * not), and a hung DUT is reported as a timeout instead of hanging the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSimulation, buildSimulationAsync, findVerilator, runSimulation, simulationKey, ToolError, VERILATOR_INSTALL_HINT } from '../../src/verify/rtl/verilator.js';
import { renderTestbench } from '../../src/verify/rtl/testbench.js';
import { harnessTemplates } from '../../src/verify/rtl/templates.js';

const cache = mkdtempSync(join(tmpdir(), 'qacc-vtest-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

/** A two-beat accumulator: y = a + b of the beats marked last; `stuck` never raises in_ready. */
function dut(stuck: boolean): string {
  return [
    'module tiny (input wire clk, input wire rst, input wire in_valid, output wire in_ready, input wire [7:0] a,',
    '  input wire last, output reg out_valid, output reg [7:0] y);',
    `  assign in_ready = ${stuck ? "1'b0" : "1'b1"};`,
    '  reg [7:0] acc;',
    '  always @(posedge clk) begin',
    "    if (rst) begin acc <= 8'd0; out_valid <= 1'b0; y <= 8'd0; end",
    "    else begin out_valid <= in_valid && in_ready && last; if (in_valid && in_ready) begin acc <= last ? 8'd0 : acc + a; if (last) y <= acc + a; end end",
    '  end',
    'endmodule',
    '',
  ].join('\n');
}

const spec = { top: 'tiny', inputs: [{ name: 'a', width: 8 }, { name: 'last', width: 1 }], outputs: [{ name: 'y', width: 8 }] };
const tb = renderTestbench(spec, harnessTemplates, { source: 't', version: 't' });

describe('Verilator driver', () => {
  it('fails with one line naming apt-get install verilator when the tool is missing', () => {
    const env = { VERILATOR: '/nonexistent/verilator' };
    expect(() => findVerilator(env)).toThrow(ToolError);
    expect(() => findVerilator(env)).toThrow(/apt-get install verilator/);
    expect(VERILATOR_INSTALL_HINT).not.toContain('\n');
    expect(() => buildSimulation({ top: 'tiny', files: [{ path: 'tiny.v', text: dut(false) }], testbench: tb }, { env: { ...env, QACC_CACHE_DIR: cache } })).toThrow(/apt-get install verilator/);
  });

  it('builds once per content hash and reports mismatches bit for bit', () => {
    const env = { ...process.env, QACC_CACHE_DIR: cache };
    const src = { top: 'tiny', files: [{ path: 'tiny.v', text: dut(false) }], testbench: tb };
    const first = buildSimulation(src, { env });
    const again = buildSimulation(src, { env });
    expect(first.built).toBe(true);
    expect(again).toEqual({ ...first, built: false });
    const changed = { ...src, files: [{ path: 'tiny.v', text: dut(false) + '// changed\n' }] };
    expect(simulationKey(findVerilator(env), changed)).not.toBe(first.key);
    const good = runSimulation(first, [[1, 0], [2, 1], [250, 0], [10, 1]], [[3], [4]]);
    expect(good).toMatchObject({ pass: true, results: 2, mismatchCount: 0 });
    const bad = runSimulation(first, [[1, 0], [2, 1]], [[4]]);
    expect(bad).toMatchObject({ pass: false, mismatchCount: 1, mismatches: [{ index: 0, port: 'y', expected: 4n, got: 3n }] });
  });

  it('builds asynchronously into the same cache (a later synchronous build is a hit); a bad design rejects with the log', async () => {
    const env = { ...process.env, QACC_CACHE_DIR: mkdtempSync(join(tmpdir(), 'qacc-vtest-async-')) };
    const src = { top: 'tiny', files: [{ path: 'tiny.v', text: dut(false) + '// async\n' }], testbench: tb };
    const built = await buildSimulationAsync(src, { env });
    expect(built.built).toBe(true);
    const hit = buildSimulation(src, { env });
    expect(hit).toEqual({ ...built, built: false });
    expect(runSimulation(hit, [[1, 0], [2, 1]], [[3]]).mismatchCount).toBe(0);
    const broken = { ...src, files: [{ path: 'tiny.v', text: 'module tiny(input wire clk); assign nowhere = 1; endmodule\n' }] };
    await expect(buildSimulationAsync(broken, { env })).rejects.toThrow(/verilator build of tiny failed/);
    rmSync(env.QACC_CACHE_DIR, { recursive: true, force: true });
  });

  it('reports a DUT that never takes a beat as a timeout', () => {
    // the shared default cache: reruns reuse this build
    const env = process.env;
    const sim = buildSimulation({ top: 'tiny', files: [{ path: 'tiny.v', text: dut(true) }], testbench: tb }, { env });
    expect(runSimulation(sim, [[1, 1]], [[1]], { maxIdleCycles: 50 })).toMatchObject({ pass: false, timedOut: true, results: 0 });
  });
});
