/**
 * The RTL instruction decoder's constants, generated from the one ISA definition (isa/qacc-isa.json via
 * src/isa): the opcode field, every instruction's opcode and queue, every field's position and width,
 * and every enum code, as Verilog localparams. Modules that decode instruction words (the dispatch unit,
 * the DMA engines, the tile engines) get this block interpolated and extract fields as
 * `word[QACC_<INST>_<FIELD>_LSB +: QACC_<INST>_<FIELD>_W]`, so no bit position is ever written by hand
 * and an ISA edit regenerates the decoder. Names are upper-cased ISA names; the ISA's names are
 * snake_case identifiers already, so no legalization is needed (checked here anyway).
 */
import { ISA } from '../../isa/index.js';
import { rtlInvariant } from './invariant.js';

const IDENT = /^[a-z][a-z0-9_]*$/;

function upper(name: string): string {
  rtlInvariant(IDENT.test(name), `ISA name '${name}' is not a snake_case identifier`); // the ISA definition
  return name.toUpperCase();
}

/** The queue codes the decoder uses (QACC_QUEUE_<NAME>), in the ISA's queue order. */
export function isaQueueCodes(): ReadonlyMap<string, number> {
  return new Map(ISA.queues.map((q, i) => [q.name, i]));
}

/**
 * Verilog localparam declarations of the ISA (one per line, two-space indented), wrapped in a lint
 * waiver for unused parameters: every decoding module gets the whole table, and uses only part of it.
 */
export function isaDecoderParams(): string {
  const lines: string[] = [];
  const op = ISA.opcodeField;
  lines.push('  // ---- ISA constants, generated from isa/qacc-isa.json (src/codegen/verilog/isa-decoder.ts) ----');
  lines.push('  /* verilator lint_off UNUSEDPARAM */');
  lines.push(`  localparam integer QACC_WORD_BITS = ${ISA.wordBits};`);
  lines.push(`  localparam integer QACC_OPCODE_LSB = ${op.lsb};`);
  lines.push(`  localparam integer QACC_OPCODE_W = ${op.width};`);
  for (const [name, code] of isaQueueCodes()) lines.push(`  localparam [1:0] QACC_QUEUE_${upper(name)} = 2'd${code};`);
  for (const inst of ISA.instructions) {
    const n = upper(inst.name);
    lines.push(`  localparam [${op.width - 1}:0] QACC_OP_${n} = ${op.width}'d${inst.opcode};`);
    lines.push(`  localparam [1:0] QACC_${n}_QUEUE = QACC_QUEUE_${upper(inst.queue)};`);
    for (const f of inst.fields) {
      const fn = upper(f.name);
      lines.push(`  localparam integer QACC_${n}_${fn}_LSB = ${f.lsb};`);
      lines.push(`  localparam integer QACC_${n}_${fn}_W = ${f.width};`);
    }
  }
  for (const [enumName, e] of Object.entries(ISA.enums)) {
    const width = Math.max(1, Math.ceil(Math.log2(Math.max(...e.values.map((v) => v.code)) + 1)));
    for (const v of e.values) lines.push(`  localparam [${width - 1}:0] QACC_${upper(enumName)}_${upper(v.name)} = ${width}'d${v.code};`);
  }
  lines.push('  /* verilator lint_on UNUSEDPARAM */');
  return lines.join('\n');
}
