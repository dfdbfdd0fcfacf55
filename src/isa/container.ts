/**
 * The binary program container written by `qacc asm` and read by `qacc disasm`, the simulator and the
 * RTL test bench. Layout (all integers little-endian):
 *
 *   offset 0   4 bytes  magic "QISA"
 *   offset 4   u16      container format version (1)
 *   offset 6   u16      ISA version (isa/qacc-isa.json "version")
 *   offset 8   u16      instruction word width in bits (128)
 *   offset 10  u16      reserved, 0
 *   offset 12  u32      instruction count N
 *   offset 16  N words of wordBits/8 bytes each, little-endian (byte 0 holds bits 7:0 of the word)
 *
 * The 16-byte header keeps the words aligned. Readers reject anything that does not match exactly
 * (wrong magic or versions, truncation, trailing bytes), so a file is never half-understood.
 */
import { decodeInstruction, encodeInstruction } from './encode.js';
import { IsaError } from './errors.js';
import type { Instruction } from './generated-types.js';
import { ISA, WORD_BYTES, WORD_MASK } from './isa.js';

export const CONTAINER_MAGIC = 'QISA';
export const CONTAINER_VERSION = 1;
export const HEADER_BYTES = 16;

/** Packs instruction words into a container. */
export function encodeProgram(words: readonly bigint[]): Uint8Array {
  if (words.length > 0xffffffff) throw new IsaError('bad-container', 'too many instructions for one container');
  const bytes = new Uint8Array(HEADER_BYTES + words.length * WORD_BYTES);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) bytes[i] = CONTAINER_MAGIC.charCodeAt(i);
  view.setUint16(4, CONTAINER_VERSION, true);
  view.setUint16(6, ISA.version, true);
  view.setUint16(8, ISA.wordBits, true);
  view.setUint16(10, 0, true);
  view.setUint32(12, words.length, true);
  words.forEach((word, i) => {
    if (word < 0n || word > WORD_MASK) throw new IsaError('bad-word', `instruction ${i}: word does not fit ${ISA.wordBits} bits`);
    let w = word;
    const base = HEADER_BYTES + i * WORD_BYTES;
    for (let b = 0; b < WORD_BYTES; b++) {
      bytes[base + b] = Number(w & 0xffn);
      w >>= 8n;
    }
  });
  return bytes;
}

/** Unpacks a container into its instruction words; throws IsaError('bad-container') when malformed. */
export function decodeProgram(bytes: Uint8Array): bigint[] {
  if (bytes.length < HEADER_BYTES) throw new IsaError('bad-container', `not a qacc program: ${bytes.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== CONTAINER_MAGIC) throw new IsaError('bad-container', `not a qacc program: the file does not start with "${CONTAINER_MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = view.getUint16(4, true);
  if (format !== CONTAINER_VERSION) throw new IsaError('bad-container', `unsupported container version ${format} (this qacc reads ${CONTAINER_VERSION})`);
  const isaVersion = view.getUint16(6, true);
  if (isaVersion !== ISA.version) throw new IsaError('bad-container', `program is for ISA version ${isaVersion}, this qacc implements version ${ISA.version}`);
  const wordBits = view.getUint16(8, true);
  if (wordBits !== ISA.wordBits) throw new IsaError('bad-container', `program has ${wordBits}-bit words, the ISA has ${ISA.wordBits}-bit words`);
  if (view.getUint16(10, true) !== 0) throw new IsaError('bad-container', 'reserved header bytes 10..11 are not zero');
  const count = view.getUint32(12, true);
  const expected = HEADER_BYTES + count * WORD_BYTES;
  if (bytes.length !== expected) {
    throw new IsaError('bad-container', `header says ${count} instruction(s) (${expected} bytes) but the file has ${bytes.length} bytes`);
  }
  const words: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const base = HEADER_BYTES + i * WORD_BYTES;
    let w = 0n;
    for (let b = WORD_BYTES - 1; b >= 0; b--) w = (w << 8n) | BigInt(bytes[base + b]);
    words.push(w);
  }
  return words;
}

/** Encodes instructions and packs them. */
export function writeProgram(instructions: readonly Instruction[]): Uint8Array {
  return encodeProgram(instructions.map(encodeInstruction));
}

/** Unpacks and decodes a container; a bad word is reported with its instruction index. */
export function readProgram(bytes: Uint8Array): { instructions: Instruction[]; words: bigint[] } {
  const words = decodeProgram(bytes);
  const instructions = words.map((w, i) => {
    try {
      return decodeInstruction(w);
    } catch (err) {
      if (err instanceof IsaError) throw new IsaError(err.code, `instruction ${i}: ${err.message}`);
      throw err;
    }
  });
  return { instructions, words };
}
