/**
 * The qacc instruction set: definition (generated from isa/qacc-isa.json), instruction types, encoder and
 * decoder, assembler, disassembler and the binary program container. See isa/README.md.
 */
export * from './generated-types.js';
export { ISA, WORD_BYTES, WORD_MASK, allInstructions, findInstruction, findInstructionByOpcode, registerName } from './isa.js';
export type { FieldInfo, InstructionInfo } from './isa.js';
export type * from './types.js';
export { IsaError, type IsaErrorCode } from './errors.js';
export { TILE_OPCODES, isTileOpcode, type TileOpcode } from './tile-opcodes.js';
export { checkIsaDefinition, validateIsaDefinition } from './validate.js';
export { createInstruction, decodeInstruction, encodeInstruction, type InstructionInit } from './encode.js';
export { assemble, checkLoops, formatAsmDiagnostic, type AsmDiagnostic, type AsmResult } from './assembler.js';
export { disassemble, formatInstruction, type DisassembleOptions } from './disassembler.js';
export { decodeProgram, encodeProgram, readProgram, writeProgram, CONTAINER_MAGIC, CONTAINER_VERSION, HEADER_BYTES } from './container.js';
