/**
 * The accelerator's DRAM protocol properties (issue 13, docs/language.md "accelerator"): `dram_latency`
 * (a number of cycles, 1..1024, default 64) and `dram_outstanding` (DMAs in flight per queue, 1..64,
 * default 8) reach the IR with their defaults, print in `qacc ir`, and out-of-range or ill-typed values
 * are located errors from the catalog.
 */
import { describe, expect, it } from 'vitest';
import { memoryHost } from '../../src/dsl/program.js';
import { compileFile } from '../../src/ir/elaborate.js';
import { designToJson, printDesign } from '../../src/ir/print.js';

const TEXT = (props: string): string => `pe p : mac { weights = int8; activations = int8; }
array a { pe = p; rows = 2; cols = 2; }
buffer wb { size = 4 KiB; width = 64; banks = 1; role = weights; }
buffer ab { size = 4 KiB; width = 64; banks = 1; role = activations; }
accelerator x { arrays = a; buffers = [wb, ab]; clock = 1 GHz; dram = 64 b/cycle; ${props} }
`;

function check(text: string) {
  const c = compileFile('t.qacc', memoryHost({ 't.qacc': text }));
  return { errors: c.diagnostics.filter((d) => d.severity === 'error'), design: c.design };
}

/** 1-based line and column of `needle` in `text`, searched from the accelerator's declaration. */
function column(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle, text.indexOf('accelerator'));
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

describe('dram_latency and dram_outstanding', () => {
  it('default to 64 cycles and 8 DMAs in flight per queue', () => {
    const { errors, design } = check(TEXT(''));
    expect(errors).toEqual([]);
    const a = design?.accelerators[0];
    expect([a?.dramLatencyCycles, a?.dramOutstanding]).toEqual([64, 8]);
  });

  it('take declared values (cycles or cycle, expressions) and show them in qacc ir', () => {
    for (const [props, lat, out] of [
      ['dram_latency = 200 cycles; dram_outstanding = 1;', 200, 1],
      ['dram_latency = 1 cycle; dram_outstanding = 64;', 1, 64],
      ['dram_latency = 2 * 16 cycles; dram_outstanding = 2 + 2;', 32, 4],
    ] as const) {
      const { errors, design } = check(TEXT(props));
      expect(errors, props).toEqual([]);
      if (!design) throw new Error('no design');
      expect(printDesign(design)).toContain(`latency ${lat} cycles, ${out} outstanding per queue`);
      const json = designToJson(design) as { accelerators: { dramLatencyCycles: number; dramOutstanding: number }[] };
      expect([json.accelerators[0].dramLatencyCycles, json.accelerators[0].dramOutstanding]).toEqual([lat, out]);
    }
  });

  it('reject out-of-range and ill-typed values where they are written', () => {
    const cases: [string, string, string, RegExp][] = [
      ['dram_latency = 0 cycles;', '0 cycles', 'E311', /DRAM latency must be between 1 and 1024, found 0/],
      ['dram_latency = 1025 cycles;', '1025 cycles', 'E311', /between 1 and 1024, found 1025/],
      ['dram_latency = 64;', '64;', 'E301', /number of clock cycles .*without a unit/],
      ['dram_latency = 64 KiB;', '64 KiB', 'E309', /expected a number of clock cycles .* for the DRAM latency, found a size/],
      ['dram_outstanding = 0;', '0;', 'E311', /dram_outstanding must be between 1 and 64, found 0/],
      ['dram_outstanding = 65;', '65;', 'E311', /between 1 and 64, found 65/],
      ['dram_outstanding = 3 / 2;', '3 / 2', 'E307', /3\/2/],
    ];
    for (const [props, at, code, message] of cases) {
      const text = TEXT(props);
      const { errors, design } = check(text);
      expect(design, props).toBeUndefined();
      expect(errors.map((e) => ({ code: e.code, line: e.span?.start.line, column: e.span?.start.column })), props).toEqual([{ code, ...column(text, at) }]);
      expect(errors[0].message, props).toMatch(message);
    }
  });
});
