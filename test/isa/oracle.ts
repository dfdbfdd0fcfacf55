/**
 * Test-side view of isa/qacc-isa.json, written independently of src/isa: the raw JSON read from disk, an
 * oracle encoder (plain BigInt shifts and ORs over the JSON's field table) and fast-check arbitraries of
 * instruction objects built from the same table. Tests compare src/isa against these.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';

export interface RawField {
  name: string;
  lsb: number;
  width: number;
  type: string;
  enum?: string;
  min?: number;
  optional?: boolean;
  label?: boolean;
}
export interface RawInstruction {
  name: string;
  opcode: number;
  queue: string;
  fields: RawField[];
  [key: string]: unknown;
}
export interface RawIsa {
  wordBits: number;
  version: number;
  opcodeField: { lsb: number; width: number };
  machine: { addressRegisters: number; registerBits: number; loopDepth: number; tokenDepth: number };
  enums: Record<string, { values: { name: string; code: number }[] }>;
  instructions: RawInstruction[];
  [key: string]: unknown;
}

export const ISA_JSON_PATH = resolve(__dirname, '../../isa/qacc-isa.json');
export const ISA_JSON_TEXT = readFileSync(ISA_JSON_PATH, 'utf8');
/** A fresh parse each call, so tests may mutate their copy. */
export function rawIsa(): RawIsa {
  return JSON.parse(ISA_JSON_TEXT) as RawIsa;
}
const RAW = rawIsa();

export function rawInstruction(name: string): RawInstruction {
  const inst = RAW.instructions.find((i) => i.name === name);
  if (!inst) throw new Error(`no instruction ${name} in the JSON`);
  return inst;
}

/** Smallest and largest value of a numeric field, as BigInt. */
export function numericRange(f: RawField): [bigint, bigint] {
  if (f.type === 'sint') return [-(1n << BigInt(f.width - 1)), (1n << BigInt(f.width - 1)) - 1n];
  return [BigInt(f.min ?? 0), (1n << BigInt(f.width)) - 1n];
}

/** The raw code of one field value, computed from the JSON alone. */
function oracleCode(f: RawField, value: unknown): bigint {
  if (f.type === 'bool') return value ? 1n : 0n;
  if (f.type === 'enum') {
    const v = RAW.enums[f.enum!].values.find((x) => x.name === value);
    if (!v) throw new Error(`oracle: ${String(value)} is not in enum ${f.enum}`);
    return BigInt(v.code);
  }
  return BigInt.asUintN(f.width, BigInt(value as number));
}

/** The word of an instruction object: opcode and each field shifted to its lsb. */
export function oracleEncode(inst: Record<string, unknown>): bigint {
  const def = rawInstruction(String(inst.kind));
  let word = BigInt(def.opcode) << BigInt(RAW.opcodeField.lsb);
  for (const f of def.fields) word |= oracleCode(f, inst[f.name]) << BigInt(f.lsb);
  return word;
}

/** Arbitrary value of one field (numeric fields biased to their edges by fast-check). */
export function fieldArbitrary(f: RawField): fc.Arbitrary<unknown> {
  if (f.type === 'bool') return fc.boolean();
  if (f.type === 'enum') return fc.constantFrom(...RAW.enums[f.enum!].values.map((v) => v.name));
  const [min, max] = numericRange(f);
  return fc.bigInt({ min, max }).map(Number);
}

/** Arbitrary instruction object of one kind. */
export function instructionArbitrary(name: string): fc.Arbitrary<Record<string, unknown>> {
  const def = rawInstruction(name);
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of def.fields) shape[f.name] = fieldArbitrary(f);
  return fc.record(shape).map((fields) => ({ kind: name, ...fields }));
}

export const ALL_NAMES = RAW.instructions.map((i) => i.name);
export const RAW_ISA = RAW;

/** Arbitrary instruction of any kind except loop (loops need a program around them). */
export const plainInstruction = fc.oneof(...ALL_NAMES.filter((n) => n !== 'loop').map(instructionArbitrary));

type Tree = Record<string, unknown> | { loopCount: number; items: Tree[] };

/** Arbitrary well-formed program: straight-line instructions and properly nested loops (depth ≤ 3). */
export const programArbitrary: fc.Arbitrary<Record<string, unknown>[]> = fc
  .letrec<{ item: Tree; items: Tree[] }>((tie) => ({
    item: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      { arbitrary: plainInstruction as fc.Arbitrary<Tree>, weight: 6 },
      { arbitrary: fc.record({ loopCount: fc.integer({ min: 1, max: 65535 }), items: tie('items') as fc.Arbitrary<Tree[]> }), weight: 1 },
    ),
    items: fc.array(tie('item') as fc.Arbitrary<Tree>, { minLength: 1, maxLength: 8 }),
  }))
  .items.map(flatten);

function flatten(items: Tree[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const item of items) {
    if ('loopCount' in item && Array.isArray(item.items)) {
      const body = flatten(item.items as Tree[]);
      out.push({ kind: 'loop', count: item.loopCount, body: body.length }, ...body);
    } else out.push(item as Record<string, unknown>);
  }
  return out;
}
