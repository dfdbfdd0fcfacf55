/**
 * Instruction objects ↔ instruction words (BigInt), driven entirely by the ISA definition.
 *
 * Encoding: start from the opcode in its field, then for every field turn the value into its raw code
 * (bool → 0/1, enum name → code, sint → two's complement in `width` bits, others as is) after a range
 * check, and OR it in at `lsb`. Decoding is the inverse and is strict: unknown opcodes, set reserved bits,
 * enum codes without a name and values below a field's `min` are errors, so every word that decodes
 * re-encodes to itself.
 */
import { IsaError } from './errors.js';
import type { Instruction, InstructionOf, Mnemonic, OptionalFields } from './generated-types.js';
import { ISA, OPCODE_MASK, WORD_MASK, findInstruction, findInstructionByOpcode, type FieldInfo, type InstructionInfo } from './isa.js';

/** What `createInstruction` takes: every field, except that optional ones may be left out. */
export type InstructionInit<K extends Mnemonic> = Omit<InstructionOf<K>, 'kind' | OptionalFields[K]> &
  { readonly [P in OptionalFields[K] & keyof InstructionOf<K>]?: InstructionOf<K>[P] };

/** The range of a field's values, for messages (`0..15`, `fixed|group`). */
export function describeRange(f: FieldInfo): string {
  if (f.type === 'bool') return '0 or 1';
  if (f.type === 'enum') return [...(f.codeOf?.keys() ?? [])].join('|');
  return `${f.minValue}..${f.maxValue}`;
}

/**
 * The raw code of `value` for field `f` of instruction `inst`. Throws IsaError naming the instruction
 * and field when the value has the wrong type or is out of range.
 */
export function fieldCode(inst: string, f: FieldInfo, value: unknown): bigint {
  const where = `${inst}.${f.name}`;
  if (f.type === 'bool') {
    if (typeof value !== 'boolean') throw new IsaError('bad-field', `${where}: expected a boolean, got ${show(value)}`);
    return value ? 1n : 0n;
  }
  if (f.type === 'enum') {
    const code = typeof value === 'string' ? f.codeOf?.get(value) : undefined;
    if (code === undefined) throw new IsaError('out-of-range', `${where}: ${show(value)} is not one of ${describeRange(f)}`);
    return BigInt(code);
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new IsaError('bad-field', `${where}: expected an integer, got ${show(value)}`);
  if (value < f.minValue || value > f.maxValue) {
    throw new IsaError('out-of-range', `${where}: ${value} is out of range ${describeRange(f)} (${f.width}-bit ${f.type})`);
  }
  const raw = BigInt(value);
  return raw < 0n ? raw + (1n << BigInt(f.width)) : raw;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : typeof value === 'bigint' ? `${value}n` : String(value);
}

function infoOf(kind: unknown): InstructionInfo {
  const info = typeof kind === 'string' ? findInstruction(kind) : undefined;
  if (!info) throw new IsaError('unknown-instruction', `unknown instruction ${show(kind)}`);
  return info;
}

/** Encodes one instruction into its word. Throws IsaError for unknown/missing/extra fields and ranges. */
export function encodeInstruction(inst: Instruction): bigint {
  const record = inst as unknown as Readonly<Record<string, unknown>>;
  const info = infoOf(record.kind);
  for (const key of Object.keys(record)) {
    if (key !== 'kind' && !info.field.has(key)) throw new IsaError('bad-field', `${info.name} has no field '${key}'`);
  }
  let word = BigInt(info.def.opcode) << BigInt(ISA.opcodeField.lsb);
  for (const f of info.fields) {
    const value = record[f.name];
    if (value === undefined) throw new IsaError('bad-field', `${info.name}.${f.name} is missing`);
    word |= fieldCode(info.name, f, value) << BigInt(f.lsb);
  }
  return word;
}

/** Decodes one word. Throws IsaError('bad-word') for words that are not a valid instruction. */
export function decodeInstruction(word: bigint): Instruction {
  if (word < 0n || word > WORD_MASK) throw new IsaError('bad-word', `instruction word ${word < 0n ? 'is negative' : `has more than ${ISA.wordBits} bits`}`);
  const opcode = Number((word & OPCODE_MASK) >> BigInt(ISA.opcodeField.lsb));
  const info = findInstructionByOpcode(opcode);
  if (!info) throw new IsaError('bad-word', `unknown opcode 0x${opcode.toString(16)} in word 0x${word.toString(16)}`);
  const reserved = word & ~info.usedMask & WORD_MASK;
  if (reserved !== 0n) throw new IsaError('bad-word', `${info.name}: reserved bits 0x${reserved.toString(16)} are set`);
  const out: Record<string, unknown> = { kind: info.name };
  for (const f of info.fields) {
    const raw = (word & f.mask) >> BigInt(f.lsb);
    out[f.name] = valueOfCode(info.name, f, raw);
  }
  return out as unknown as Instruction;
}

/** The value a field's raw code stands for (inverse of fieldCode). */
function valueOfCode(inst: string, f: FieldInfo, raw: bigint): boolean | string | number {
  switch (f.type) {
    case 'bool':
      return raw === 1n;
    case 'enum': {
      const name = f.nameOf?.get(Number(raw));
      if (name === undefined) throw new IsaError('bad-word', `${inst}.${f.name}: code ${raw} has no name`);
      return name;
    }
    case 'sint':
      return Number(raw >= 1n << BigInt(f.width - 1) ? raw - (1n << BigInt(f.width)) : raw);
    case 'uint':
    case 'reg':
    case 'addr':
    case 'len': {
      const value = Number(raw);
      if (value < f.minValue) throw new IsaError('bad-word', `${inst}.${f.name}: ${value} is below the minimum ${f.minValue}`);
      return value;
    }
  }
}

/** Builds an instruction object, filling omitted optional fields with their zero value, and checks it. */
export function createInstruction<K extends Mnemonic>(kind: K, init: InstructionInit<K>): InstructionOf<K> {
  const info = infoOf(kind);
  const out: Record<string, unknown> = { kind };
  const given = init as unknown as Readonly<Record<string, unknown>>;
  for (const f of info.fields) out[f.name] = given[f.name] ?? (f.optional ? zeroValue(f) : undefined);
  for (const key of Object.keys(given)) if (!info.field.has(key)) throw new IsaError('bad-field', `${kind} has no field '${key}'`);
  const inst = out as unknown as InstructionOf<K>;
  encodeInstruction(inst); // range checks
  return inst;
}

/** The value an omitted optional field takes (raw code 0). */
export function zeroValue(f: FieldInfo): boolean | string | number {
  return valueOfCode('', f, 0n);
}
