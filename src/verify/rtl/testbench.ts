/**
 * Generates the C++ Verilator bench of a DUT from its harness spec (sims/verilator/tb.cpp.hbs): port
 * assignments for each stimulus column and comparisons for each expected column.
 */
import { headerComment, type GeneratedBy } from '../../codegen/verilog/emit.js';
import { MAX_HARNESS_PORT_BITS, type HarnessSpec } from '../../codegen/verilog/harness-spec.js';
import { renderTemplate, type TemplateReader } from '../../codegen/verilog/render.js';

/** The bench source for `spec`. */
export function renderTestbench(spec: HarnessSpec, reader: TemplateReader, by: GeneratedBy): string {
  for (const p of [...spec.inputs, ...spec.outputs]) {
    if (p.width > MAX_HARNESS_PORT_BITS) throw new Error(`port ${p.name} is ${p.width} bits; the harness supports ${MAX_HARNESS_PORT_BITS}`);
  }
  return renderTemplate(reader, 'tb.cpp.hbs', {
    header: headerComment(by),
    top: spec.top,
    inputNames: spec.inputs.map((p) => p.name).join(' '),
    outputNames: spec.outputs.map((p) => p.name).join(' '),
    inputCount: spec.inputs.length,
    outputCount: spec.outputs.length,
    inputs: spec.inputs.map((p, index) => ({ name: p.name, index })),
    outputs: spec.outputs.map((p, index) => ({ name: p.name, index })),
  });
}
