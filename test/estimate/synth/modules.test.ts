/**
 * The one reading of Verilog instance syntax (src/estimate/synth/modules.ts instantiationCount), which the module
 * graph (moduleDependencies) and the tile-engine extrapolation's per-size sub-units (design.ts) share. Oracle:
 * hand-written Verilog whose instances are counted by hand — with and without a parameter list, inside a generate
 * loop (one text instance), beside identifiers that contain the module's name, and in comments (stripped first).
 */
import { describe, expect, it } from 'vitest';
import { instantiationCount, moduleDependencies, stripVerilogComments } from '../../../src/estimate/synth/modules.js';

const ENGINE = [
  'module eng(input clk);',
  '  wire pe_out; // pe u_gone (.clk(clk));',
  '  /* pe u_also_gone (.clk(clk)); */',
  '  pe u_a (.clk(clk));',
  '  pe #(.W(4)) u_b (.clk(clk));',
  '  pe\n    u_c (.clk(clk));',
  '  my_pe u_d (.clk(clk));',
  '  pe_row u_e (.clk(clk));',
  '  genvar i;',
  '  generate for (i = 0; i < 4; i = i + 1) begin : g',
  '    pe_row u_r (.clk(clk));',
  '  end endgenerate',
  'endmodule',
].join('\n');

describe('instantiationCount', () => {
  it('counts the text instances of a module, not longer names that contain it, not comments', () => {
    const body = stripVerilogComments(ENGINE);
    expect(instantiationCount(body, 'pe')).toBe(3);
    expect(instantiationCount(body, 'pe_row')).toBe(2);
    expect(instantiationCount(body, 'my_pe')).toBe(1);
    expect(instantiationCount(body, 'row')).toBe(0);
    expect(instantiationCount(body, 'eng')).toBe(0); // its declaration `module eng(` is not an instance
    // unstripped, the commented-out instances count too: callers strip first
    expect(instantiationCount(ENGINE, 'pe')).toBe(5);
  });

  it('moduleDependencies lists the modules with at least one instance', () => {
    const mods = ['pe', 'my_pe', 'pe_row', 'row'].map((name) => ({ name, text: `module ${name}(input clk);\nendmodule\n` }));
    expect(moduleDependencies([{ name: 'eng', text: ENGINE }, ...mods]).get('eng')).toEqual(['pe', 'my_pe', 'pe_row']);
  });
});
