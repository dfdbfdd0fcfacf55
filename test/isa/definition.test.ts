/**
 * The ISA definition file itself: an independent check of its encoding invariants (written here from the
 * raw JSON, not with src/isa/validate.ts), that the library's validator accepts it and rejects broken
 * variants, and that the generated TypeScript modules are in sync with it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISA_DEFINITION } from '../../src/isa/definition.js';
import { renderDefinitionModule, renderReferenceMarkdown, renderTypesModule } from '../../src/isa/generate.js';
import { checkIsaDefinition, validateIsaDefinition } from '../../src/isa/validate.js';
import { IsaError } from '../../src/isa/errors.js';
import { ALL_NAMES, ISA_JSON_TEXT, RAW_ISA, rawIsa } from './oracle.js';

const mask = (lsb: number, width: number) => ((1n << BigInt(width)) - 1n) << BigInt(lsb);

describe('isa/qacc-isa.json (independent checks)', () => {
  it('has byte-multiple words and an opcode field inside the word', () => {
    expect(RAW_ISA.wordBits % 8).toBe(0);
    expect(RAW_ISA.opcodeField.lsb + RAW_ISA.opcodeField.width).toBeLessThanOrEqual(RAW_ISA.wordBits);
  });

  it('has unique instruction names and unique opcodes that fit the opcode field', () => {
    expect(new Set(ALL_NAMES).size).toBe(ALL_NAMES.length);
    const opcodes = RAW_ISA.instructions.map((i) => i.opcode);
    expect(new Set(opcodes).size).toBe(opcodes.length);
    for (const op of opcodes) expect(op >= 0 && op < 2 ** RAW_ISA.opcodeField.width).toBe(true);
  });

  it('places every field inside the word, disjoint from the opcode and from each other', () => {
    for (const inst of RAW_ISA.instructions) {
      let used = mask(RAW_ISA.opcodeField.lsb, RAW_ISA.opcodeField.width);
      const names = new Set<string>();
      for (const f of inst.fields) {
        expect(names.has(f.name), `${inst.name}.${f.name} duplicated`).toBe(false);
        names.add(f.name);
        expect(f.width, `${inst.name}.${f.name}`).toBeGreaterThan(0);
        expect(f.lsb + f.width, `${inst.name}.${f.name} leaves the word`).toBeLessThanOrEqual(RAW_ISA.wordBits);
        const m = mask(f.lsb, f.width);
        expect(m & used, `${inst.name}.${f.name} overlaps`).toBe(0n);
        used |= m;
      }
    }
  });

  it('has enums with unique names and codes that fit every field using them', () => {
    for (const [name, e] of Object.entries(RAW_ISA.enums)) {
      expect(new Set(e.values.map((v) => v.name)).size, name).toBe(e.values.length);
      expect(new Set(e.values.map((v) => v.code)).size, name).toBe(e.values.length);
    }
    for (const inst of RAW_ISA.instructions)
      for (const f of inst.fields.filter((x) => x.type === 'enum')) {
        const e = RAW_ISA.enums[f.enum!];
        expect(e, `${inst.name}.${f.name}`).toBeDefined();
        for (const v of e.values) expect(v.code < 2 ** f.width, `${inst.name}.${f.name} ${v.name}`).toBe(true);
        if (f.optional) expect(e.values.some((v) => v.code === 0), `${inst.name}.${f.name} needs a zero code`).toBe(true);
      }
  });

  it('has register fields exactly as wide as the register file and 1-bit flags', () => {
    for (const inst of RAW_ISA.instructions)
      for (const f of inst.fields) {
        if (f.type === 'reg') expect(2 ** f.width).toBe(RAW_ISA.machine.addressRegisters);
        if (f.type === 'bool') expect(f.width).toBe(1);
        if (f.optional && f.min !== undefined) expect(f.min).toBe(0);
      }
  });

  it('keeps dependency-token flags at fixed bits and only where the queue has that neighbour', () => {
    const fixed: Record<string, number> = { pop_prev: 6, pop_next: 7, push_prev: 8, push_next: 9 };
    const allowed: Record<string, string[]> = {
      control: [],
      load: ['pop_next', 'push_next'],
      compute: ['pop_prev', 'pop_next', 'push_prev', 'push_next'],
      store: ['pop_prev', 'push_prev'],
    };
    for (const inst of RAW_ISA.instructions) {
      const flags = inst.fields.filter((f) => f.name in fixed);
      for (const f of flags) expect(f.lsb, `${inst.name}.${f.name}`).toBe(fixed[f.name]);
      expect(flags.map((f) => f.name).sort(), inst.name).toEqual([...allowed[inst.queue]].sort());
    }
  });

  it('groups opcodes by queue as isa/README.md documents (a cheap first-level decode in hardware)', () => {
    const range: Record<string, [number, number]> = { control: [0x00, 0x07], load: [0x08, 0x0f], compute: [0x10, 0x27], store: [0x28, 0x2f] };
    for (const inst of RAW_ISA.instructions) {
      const [lo, hi] = range[inst.queue];
      expect(inst.opcode >= lo && inst.opcode <= hi, `${inst.name} (0x${inst.opcode.toString(16)}) in ${inst.queue}`).toBe(true);
    }
  });

  it('covers the instruction classes the accelerators need', () => {
    const queues = (q: string) => RAW_ISA.instructions.filter((i) => i.queue === q).map((i) => i.name);
    expect(queues('load')).toContain('load');
    expect(queues('store')).toContain('store');
    expect(queues('control')).toEqual(expect.arrayContaining(['halt', 'loop']));
    expect(queues('compute')).toEqual(
      expect.arrayContaining(['setfmt', 'setmode', 'settile', 'mod_tile', 'simd_tile', 'qgemm_tile', 'mac_tile', 'lr_down', 'lr_up', 'dequant', 'writeback']),
    );
    // An all-zero word is a halt (zero-filled instruction memory stops the machine).
    expect(RAW_ISA.instructions.find((i) => i.opcode === 0)?.name).toBe('halt');
  });
});

describe('validateIsaDefinition', () => {
  it('accepts the ISA file', () => {
    expect(checkIsaDefinition(rawIsa())).toEqual([]);
  });

  const broken: [string, (isa: ReturnType<typeof rawIsa>) => void, RegExp][] = [
    ['overlapping fields', (isa) => void (isa.instructions.find((i) => i.name === 'load')!.fields.find((f) => f.name === 'rows')!.lsb = 80), /load, field row_bytes: bits 88\.\.103 overlap/],
    ['a field over the opcode', (isa) => void (isa.instructions.find((i) => i.name === 'seti')!.fields[0].lsb = 2), /seti, field rd: bits 2\.\.5 overlap/],
    ['a field past the word', (isa) => void (isa.instructions.find((i) => i.name === 'store')!.fields.find((f) => f.name === 'dram_stride')!.width = 25), /store, field dram_stride: lsb\/width/],
    ['a duplicate opcode', (isa) => void (isa.instructions[1].opcode = isa.instructions[2].opcode), /instruction seti: opcode 2 already used by loop/],
    ['an opcode too wide', (isa) => void (isa.instructions[3].opcode = 64), /instruction addi: opcode must be an integer in 0\.\.63/],
    ['a duplicate name', (isa) => void (isa.instructions[1].name = 'halt'), /instruction halt: duplicate instruction name/],
    ['an enum code too wide', (isa) => void isa.enums.buffer.values.push({ name: 'big', code: 8, doc: 'x' } as never), /load, field buf: enum value big \(code 8\) does not fit 3 bits/],
    ['a duplicate enum code', (isa) => void (isa.enums.wsel.values[1].code = 0), /enum wsel: code 0 used by both/],
    ['a register field of the wrong width', (isa) => void (isa.instructions.find((i) => i.name === 'seti')!.fields[0].width = 5), /seti, field rd: reg fields must be exactly/],
    ['an unknown field type', (isa) => void (isa.instructions[1].fields[0].type = 'float'), /loop, field count: type must be one of/],
    ['an optional field with a minimum', (isa) => void (isa.instructions[1].fields[0].optional = true), /loop, field count: an optional field must accept 0/],
    ['an unknown enum', (isa) => void (isa.instructions.find((i) => i.name === 'load')!.fields.find((f) => f.name === 'buf')!.enum = 'nope'), /load, field buf: enum must name an entry/],
    ['a word that is not a byte multiple', (isa) => void (isa.wordBits = 100), /wordBits must be a multiple of 8/],
  ];
  for (const [what, mutate, message] of broken) {
    it(`rejects ${what}`, () => {
      const isa = rawIsa();
      mutate(isa);
      const problems = checkIsaDefinition(isa);
      expect(problems.some((p) => message.test(p)), problems.join('\n')).toBe(true);
      expect(() => validateIsaDefinition(isa)).toThrow(IsaError);
    });
  }

  it('rejects non-objects', () => {
    expect(checkIsaDefinition(null)).toEqual(['the ISA definition must be a JSON object']);
    expect(checkIsaDefinition([])).toHaveLength(1);
  });
});

describe('generated modules', () => {
  const root = resolve(__dirname, '../..');
  it('src/isa/definition.ts holds exactly the JSON', () => {
    expect(ISA_DEFINITION).toEqual(JSON.parse(ISA_JSON_TEXT));
  });
  it('src/isa/definition.ts is what npm run gen:isa writes', () => {
    expect(readFileSync(resolve(root, 'src/isa/definition.ts'), 'utf8')).toBe(renderDefinitionModule(validateIsaDefinition(rawIsa())));
  });
  it('src/isa/generated-types.ts is what npm run gen:isa writes', () => {
    const text = readFileSync(resolve(root, 'src/isa/generated-types.ts'), 'utf8');
    expect(text).toBe(renderTypesModule(validateIsaDefinition(rawIsa())));
    // One interface per instruction, named after it.
    for (const name of ALL_NAMES) expect(text).toContain(`readonly kind: '${name}';`);
  });
  it('isa/REFERENCE.md is what npm run gen:isa writes', () => {
    expect(readFileSync(resolve(root, 'isa/REFERENCE.md'), 'utf8')).toBe(renderReferenceMarkdown(validateIsaDefinition(rawIsa())));
  });
});
