/**
 * The loaded ISA: the generated definition, validated once, with lookup tables the encoder, decoder,
 * assembler and disassembler share (instruction by name and by opcode, field masks and value ranges,
 * enum name↔code maps). Everything here is derived from src/isa/definition.ts, which is generated from
 * isa/qacc-isa.json, so the JSON stays the one place instructions are defined.
 */
import { ISA_DEFINITION } from './definition.js';
import type { Mnemonic } from './generated-types.js';
import type { IsaDefinition, IsaFieldDef, IsaInstructionDef } from './types.js';
import { fieldMask, validateIsaDefinition } from './validate.js';

/** A field with its precomputed encoding facts. */
export interface FieldInfo extends IsaFieldDef {
  /** Mask of the field's bits in the word. */
  readonly mask: bigint;
  /** Smallest and largest legal value (as numbers; bools 0..1, enums by code). */
  readonly minValue: number;
  readonly maxValue: number;
  /** For enum fields: name → code and code → name. */
  readonly codeOf?: ReadonlyMap<string, number>;
  readonly nameOf?: ReadonlyMap<number, string>;
}

/** An instruction with its fields' encoding facts. */
export interface InstructionInfo {
  readonly def: IsaInstructionDef;
  readonly name: Mnemonic;
  readonly fields: readonly FieldInfo[];
  readonly field: ReadonlyMap<string, FieldInfo>;
  /** Bits covered by the opcode and the fields; every other bit is reserved (must be zero). */
  readonly usedMask: bigint;
}

/** The validated qacc ISA definition. */
export const ISA: IsaDefinition = validateIsaDefinition(ISA_DEFINITION);

/** Mask of a whole instruction word. */
export const WORD_MASK = (1n << BigInt(ISA.wordBits)) - 1n;
/** Bytes per instruction word. */
export const WORD_BYTES = ISA.wordBits / 8;
/** Mask of the opcode field. */
export const OPCODE_MASK = fieldMask(ISA.opcodeField.lsb, ISA.opcodeField.width);

function fieldInfo(f: IsaFieldDef): FieldInfo {
  const top = 2 ** f.width - 1;
  let minValue = f.min ?? 0;
  let maxValue = top;
  let codeOf: Map<string, number> | undefined;
  let nameOf: Map<number, string> | undefined;
  if (f.type === 'sint') {
    minValue = -(2 ** (f.width - 1));
    maxValue = 2 ** (f.width - 1) - 1;
  } else if (f.type === 'enum') {
    const values = ISA.enums[f.enum ?? ''].values;
    codeOf = new Map(values.map((v) => [v.name, v.code]));
    nameOf = new Map(values.map((v) => [v.code, v.name]));
  }
  return { ...f, mask: fieldMask(f.lsb, f.width), minValue, maxValue, codeOf, nameOf };
}

function instructionInfo(def: IsaInstructionDef): InstructionInfo {
  const fields = def.fields.map(fieldInfo);
  const usedMask = fields.reduce((m, f) => m | f.mask, OPCODE_MASK);
  return { def, name: def.name as Mnemonic, fields, field: new Map(fields.map((f) => [f.name, f])), usedMask };
}

const INFOS: readonly InstructionInfo[] = ISA.instructions.map(instructionInfo);
const BY_NAME = new Map(INFOS.map((i) => [i.name as string, i]));
const BY_OPCODE = new Map(INFOS.map((i) => [i.def.opcode, i]));

/** Every instruction, in definition order. */
export function allInstructions(): readonly InstructionInfo[] {
  return INFOS;
}

/** The instruction called `name`, or undefined. */
export function findInstruction(name: string): InstructionInfo | undefined {
  return BY_NAME.get(name);
}

/** The instruction with opcode `opcode`, or undefined. */
export function findInstructionByOpcode(opcode: number): InstructionInfo | undefined {
  return BY_OPCODE.get(opcode);
}

/** Assembly name of register `index` (`a3`). */
export function registerName(index: number): string {
  return `a${index}`;
}
