/**
 * The shape of the ISA definition file (isa/qacc-isa.json). Everything the ISA tools know about
 * instructions comes from a value of `IsaDefinition`: the encoder/decoder, the assembler/disassembler
 * and the generated TypeScript types read it; the RTL decoder generator will too.
 *
 * Conventions: bit 0 is the least significant bit of the instruction word; a field occupies bits
 * lsb .. lsb+width-1; bits no field of an instruction covers are reserved and must be zero.
 */

/**
 * How a field's bits are read.
 * - `uint`: unsigned integer; `sint`: two's complement; `bool`: one bit, written bare in assembly;
 * - `enum`: a named value of `IsaDefinition.enums[field.enum]`;
 * - `reg`: an address register index, written `a0`..`a15`;
 * - `addr`: an unsigned address in the space `field.space`, written in hex;
 * - `len`: an unsigned count (shapes, lengths, loop counts), usually with a `min`.
 */
export type IsaFieldType = 'uint' | 'sint' | 'bool' | 'enum' | 'reg' | 'addr' | 'len';
export const ISA_FIELD_TYPES: readonly IsaFieldType[] = ['uint', 'sint', 'bool', 'enum', 'reg', 'addr', 'len'];

/** Which queue executes an instruction (`control` = the dispatch unit itself). */
export type IsaQueue = 'control' | 'load' | 'compute' | 'store';
export const ISA_QUEUES: readonly IsaQueue[] = ['control', 'load', 'compute', 'store'];

export interface IsaFieldDef {
  readonly name: string;
  readonly lsb: number;
  readonly width: number;
  readonly type: IsaFieldType;
  /** For `enum` fields: the key of the enum in `IsaDefinition.enums`. */
  readonly enum?: string;
  /** Smallest allowed value (for `len`/`uint`); values below are rejected by the encoder and decoder. */
  readonly min?: number;
  /** May be omitted in assembly; omitted means raw code 0 (the disassembler omits it when it is 0). */
  readonly optional?: boolean;
  /** The value may be written as a label: value = label index − (this instruction's index + 1). */
  readonly label?: boolean;
  /** For `addr` fields: which address space (`dram`, a buffer role, `buf` = the instruction's buffer). */
  readonly space?: string;
  /** For `uint` fields: print in hex rather than decimal. */
  readonly display?: 'hex' | 'dec';
  readonly doc: string;
}

export interface IsaInstructionDef {
  readonly name: string;
  readonly opcode: number;
  readonly queue: IsaQueue;
  readonly summary: string;
  readonly semantics: string;
  /** What the instruction reads (`act`, `dram`, `reg:<field>`, `buffer:<field>`, `cfg:<group>`, …). */
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  readonly fields: readonly IsaFieldDef[];
}

export interface IsaEnumValue {
  readonly name: string;
  readonly code: number;
  readonly doc: string;
}

export interface IsaEnumDef {
  readonly doc: string;
  readonly values: readonly IsaEnumValue[];
}

export interface IsaMachine {
  /** Number of address registers a0..a(n−1); a0 reads as zero. */
  readonly addressRegisters: number;
  /** Width of address registers and DRAM addresses. */
  readonly registerBits: number;
  /** Depth of the hardware loop stack. */
  readonly loopDepth: number;
  /** Capacity of each dependency-token queue. */
  readonly tokenDepth: number;
  readonly doc: string;
}

export interface IsaDefinition {
  readonly $comment?: string;
  readonly name: string;
  readonly version: number;
  readonly wordBits: number;
  readonly opcodeField: { readonly lsb: number; readonly width: number };
  readonly machine: IsaMachine;
  readonly queues: readonly { readonly name: IsaQueue; readonly doc: string }[];
  readonly enums: Readonly<Record<string, IsaEnumDef>>;
  readonly instructions: readonly IsaInstructionDef[];
}
