/**
 * Checks an ISA definition before anything is derived from it: the shape of every entry, and the
 * encoding invariants the encoder/decoder rely on — opcodes unique and inside the opcode field, fields
 * inside the word and disjoint from each other and from the opcode field, enum codes that fit their
 * fields, register fields exactly wide enough for the register file (so every register code decodes),
 * and optional fields whose zero code is a legal value (so "omitted" means code 0).
 *
 * Algorithm: one pass over the definition collecting every problem as a message (not stopping at the
 * first); bit overlap is checked with BigInt masks of each field.
 */
import { IsaError } from './errors.js';
import { ISA_FIELD_TYPES, ISA_QUEUES, type IsaDefinition, type IsaFieldDef } from './types.js';

const IDENT = /^[a-z][a-z0-9_]*$/;
/** Field names the TypeScript instruction objects use themselves. */
const RESERVED_FIELD_NAMES = new Set(['kind', 'opcode']);
/** Widest field whose values stay exact as JS numbers. */
const MAX_FIELD_BITS = 52;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x);
}
function isText(x: unknown): x is string {
  return typeof x === 'string' && x.trim().length > 0;
}

/** Mask of bits lsb .. lsb+width−1. */
export function fieldMask(lsb: number, width: number): bigint {
  return ((1n << BigInt(width)) - 1n) << BigInt(lsb);
}

/** Every problem found in `raw` as a human-readable line; empty when it is a valid ISA definition. */
export function checkIsaDefinition(raw: unknown): string[] {
  const problems: string[] = [];
  const bad = (msg: string) => void problems.push(msg);
  if (!isRecord(raw)) return ['the ISA definition must be a JSON object'];
  if (!isText(raw.name)) bad('name must be a non-empty string');
  if (!isInt(raw.version) || raw.version < 1) bad('version must be a positive integer');
  const wordBits = raw.wordBits;
  if (!isInt(wordBits) || wordBits < 8 || wordBits > 512 || wordBits % 8 !== 0) {
    bad('wordBits must be a multiple of 8 between 8 and 512');
    return problems;
  }
  const op = raw.opcodeField;
  if (!isRecord(op) || !isInt(op.lsb) || !isInt(op.width) || op.width < 1 || op.lsb < 0 || op.lsb + op.width > wordBits) {
    bad('opcodeField must be {lsb, width} inside the word');
    return problems;
  }
  const opMask = fieldMask(op.lsb, op.width);

  const machine = raw.machine;
  let regCount = 0;
  if (!isRecord(machine)) bad('machine must be an object');
  else {
    for (const key of ['addressRegisters', 'registerBits', 'loopDepth', 'tokenDepth'] as const) {
      if (!isInt(machine[key]) || (machine[key] as number) < 1) bad(`machine.${key} must be a positive integer`);
    }
    if (isInt(machine.registerBits) && machine.registerBits > MAX_FIELD_BITS) bad(`machine.registerBits must be at most ${MAX_FIELD_BITS}`);
    if (isInt(machine.addressRegisters)) regCount = machine.addressRegisters;
  }

  if (!Array.isArray(raw.queues) || raw.queues.length !== ISA_QUEUES.length) bad(`queues must list ${ISA_QUEUES.join(', ')}`);
  else
    raw.queues.forEach((q, i) => {
      if (!isRecord(q) || q.name !== ISA_QUEUES[i] || !isText(q.doc)) bad(`queues[${i}] must be {name: '${ISA_QUEUES[i]}', doc}`);
    });

  // Enums: name -> codes.
  const enumCodes = new Map<string, Map<number, string>>();
  if (!isRecord(raw.enums)) bad('enums must be an object');
  else
    for (const [name, e] of Object.entries(raw.enums)) {
      if (!IDENT.test(name)) bad(`enum name '${name}' must match ${IDENT}`);
      if (!isRecord(e) || !isText(e.doc) || !Array.isArray(e.values) || e.values.length === 0) {
        bad(`enum ${name} must be {doc, values: [...]}`);
        continue;
      }
      const codes = new Map<number, string>();
      const names = new Set<string>();
      for (const v of e.values as unknown[]) {
        if (!isRecord(v) || !isText(v.name) || !isInt(v.code) || v.code < 0 || !isText(v.doc)) {
          bad(`enum ${name}: every value must be {name, code ≥ 0, doc}`);
          continue;
        }
        if (!IDENT.test(v.name)) bad(`enum ${name}: value name '${v.name}' must match ${IDENT}`);
        if (names.has(v.name)) bad(`enum ${name}: duplicate value name '${v.name}'`);
        if (codes.has(v.code)) bad(`enum ${name}: code ${v.code} used by both '${codes.get(v.code)}' and '${v.name}'`);
        names.add(v.name);
        codes.set(v.code, v.name);
      }
      enumCodes.set(name, codes);
    }

  if (!Array.isArray(raw.instructions) || raw.instructions.length === 0) {
    bad('instructions must be a non-empty array');
    return problems;
  }
  const opcodes = new Map<number, string>();
  const names = new Set<string>();
  for (const [index, inst] of (raw.instructions as unknown[]).entries()) {
    if (!isRecord(inst) || !isText(inst.name)) {
      bad(`instructions[${index}] must be an object with a name`);
      continue;
    }
    const where = `instruction ${inst.name}`;
    if (!IDENT.test(inst.name)) bad(`${where}: name must match ${IDENT}`);
    if (names.has(inst.name)) bad(`${where}: duplicate instruction name`);
    names.add(inst.name);
    if (!isInt(inst.opcode) || inst.opcode < 0 || inst.opcode >= 2 ** op.width) bad(`${where}: opcode must be an integer in 0..${2 ** op.width - 1}`);
    else if (opcodes.has(inst.opcode)) bad(`${where}: opcode ${inst.opcode} already used by ${opcodes.get(inst.opcode)}`);
    else opcodes.set(inst.opcode, inst.name);
    if (!ISA_QUEUES.includes(inst.queue as never)) bad(`${where}: queue must be one of ${ISA_QUEUES.join(', ')}`);
    if (!isText(inst.summary) || !isText(inst.semantics)) bad(`${where}: summary and semantics must be non-empty text`);
    for (const key of ['reads', 'writes'] as const) {
      if (!Array.isArray(inst[key]) || !(inst[key] as unknown[]).every(isText)) bad(`${where}: ${key} must be a list of strings`);
    }
    if (!Array.isArray(inst.fields)) {
      bad(`${where}: fields must be an array`);
      continue;
    }
    let used = opMask;
    const fieldNames = new Set<string>();
    const boolNames: string[] = [];
    const identifierValues = new Set<string>();
    for (const f of inst.fields as unknown[]) {
      if (!isRecord(f) || !isText(f.name)) {
        bad(`${where}: every field needs a name`);
        continue;
      }
      const fw = `${where}, field ${f.name}`;
      checkField(f, fw, wordBits, regCount, enumCodes, bad);
      if (!IDENT.test(f.name) || RESERVED_FIELD_NAMES.has(f.name)) bad(`${fw}: name must match ${IDENT} and not be kind/opcode`);
      if (fieldNames.has(f.name)) bad(`${fw}: duplicate field name`);
      fieldNames.add(f.name);
      if (isInt(f.lsb) && isInt(f.width) && f.width >= 1 && f.lsb >= 0 && f.lsb + f.width <= wordBits) {
        const mask = fieldMask(f.lsb, f.width);
        if ((mask & used) !== 0n) bad(`${fw}: bits ${f.lsb}..${f.lsb + f.width - 1} overlap the opcode or another field`);
        used |= mask;
      }
      if (f.type === 'bool') boolNames.push(f.name);
      if (f.type === 'enum' && typeof f.enum === 'string') for (const n of enumCodes.get(f.enum)?.values() ?? []) identifierValues.add(n);
    }
    // A bare identifier in assembly is a flag when it names a bool field; it must not also be a value.
    for (const b of boolNames) if (identifierValues.has(b)) bad(`${where}: flag ${b} is also an enum value of one of its fields`);
  }
  return problems;
}

function checkField(
  f: Record<string, unknown>,
  fw: string,
  wordBits: number,
  regCount: number,
  enumCodes: Map<string, Map<number, string>>,
  bad: (m: string) => void,
): void {
  const { lsb, width, type } = f as Partial<IsaFieldDef> & Record<string, unknown>;
  if (!isInt(lsb) || !isInt(width) || lsb < 0 || width < 1 || width > MAX_FIELD_BITS || lsb + width > wordBits) {
    bad(`${fw}: lsb/width must place 1..${MAX_FIELD_BITS} bits inside the ${wordBits}-bit word`);
    return;
  }
  if (!ISA_FIELD_TYPES.includes(type as never)) {
    bad(`${fw}: type must be one of ${ISA_FIELD_TYPES.join(', ')}`);
    return;
  }
  if (!isText(f.doc)) bad(`${fw}: doc must be non-empty text`);
  if (f.optional !== undefined && typeof f.optional !== 'boolean') bad(`${fw}: optional must be a boolean`);
  if (f.label !== undefined && (f.label !== true || (type !== 'len' && type !== 'uint'))) bad(`${fw}: label is only allowed (as true) on len/uint fields`);
  if (f.display !== undefined && (type !== 'uint' || (f.display !== 'hex' && f.display !== 'dec'))) bad(`${fw}: display (hex|dec) is only allowed on uint fields`);
  if (type === 'addr' ? !isText(f.space) : f.space !== undefined) bad(`${fw}: addr fields (and only they) name their address space`);
  if (type === 'enum') {
    const codes = typeof f.enum === 'string' ? enumCodes.get(f.enum) : undefined;
    if (!codes) bad(`${fw}: enum must name an entry of enums`);
    else {
      for (const [code, name] of codes) if (code >= 2 ** width) bad(`${fw}: enum value ${name} (code ${code}) does not fit ${width} bits`);
      if (f.optional === true && !codes.has(0)) bad(`${fw}: optional enum field needs a value with code 0`);
    }
  } else if (f.enum !== undefined) bad(`${fw}: only enum fields name an enum`);
  if (type === 'bool' && width !== 1) bad(`${fw}: bool fields are 1 bit wide`);
  if (type === 'reg' && 2 ** width !== regCount) bad(`${fw}: reg fields must be exactly log2(${regCount}) bits wide`);
  if (f.min !== undefined) {
    if (type !== 'len' && type !== 'uint') bad(`${fw}: min is only allowed on len/uint fields`);
    else if (!isInt(f.min) || f.min < 0 || f.min >= 2 ** width) bad(`${fw}: min must be an integer that fits the field`);
    else if (f.optional === true && f.min > 0) bad(`${fw}: an optional field must accept 0`);
  }
}

/** Returns `raw` typed as an ISA definition, or throws IsaError('bad-definition') listing every problem. */
export function validateIsaDefinition(raw: unknown): IsaDefinition {
  const problems = checkIsaDefinition(raw);
  if (problems.length > 0) throw new IsaError('bad-definition', `invalid ISA definition: ${problems.join('; ')}`);
  return raw as IsaDefinition;
}
