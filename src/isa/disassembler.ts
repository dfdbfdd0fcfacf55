/**
 * Instruction objects → assembly text that the assembler turns back into the same words.
 *
 * Every instruction is printed in `field=value` form (unambiguous and self-describing), optional fields
 * at their zero value are left out, true flags are printed bare (after the other operands), addresses and hex-display fields in hex,
 * registers as `aN`, enums by name. Loop bodies get labels `L<index>` placed before the first instruction
 * after the body and bodies are indented, so a disassembly reads like hand-written assembly; a body that runs past the end of the
 * program (only possible in a hand-made binary) is printed as a number.
 */
import type { Instruction } from './generated-types.js';
import { WORD_BYTES, findInstruction, registerName, type FieldInfo } from './isa.js';

function formatValue(f: FieldInfo, value: unknown): string {
  switch (f.type) {
    case 'bool':
      return value ? '1' : '0';
    case 'enum':
      return String(value);
    case 'reg':
      return registerName(Number(value));
    case 'addr':
      return `0x${Number(value).toString(16)}`;
    case 'uint':
      return f.display === 'hex' ? `0x${Number(value).toString(16)}` : String(value);
    case 'sint':
    case 'len':
      return String(value);
  }
}

/**
 * One instruction as assembly text. `labelAt(index)` may name the label of a loop's end; `pc` is the
 * instruction's index (needed for label-valued fields).
 */
export function formatInstruction(inst: Instruction, pc = 0, labelAt?: (index: number) => string | undefined): string {
  const info = findInstruction(inst.kind);
  if (!info) throw new Error(`formatInstruction: unknown instruction ${String(inst.kind)}`);
  const record = inst as unknown as Readonly<Record<string, unknown>>;
  const parts: string[] = [];
  const flags: string[] = [];
  for (const f of info.fields) {
    const value = record[f.name];
    if (f.type === 'bool') {
      if (value) flags.push(f.name);
      continue;
    }
    const zero = f.type === 'enum' ? value === f.nameOf?.get(0) : value === 0;
    if (f.optional && zero) continue;
    const label = f.label ? labelAt?.(pc + 1 + Number(value)) : undefined;
    parts.push(`${f.name}=${label ?? formatValue(f, value)}`);
  }
  parts.push(...flags); // flags last: the operands that matter come first when reading a listing
  return parts.length ? `${inst.kind} ${parts.join(', ')}` : inst.kind;
}

export interface DisassembleOptions {
  /** Append `# 0x<word>` comments (the words, for reading alongside hex dumps). */
  readonly words?: readonly bigint[];
}

/** A whole program as assembly text (one instruction per line, loop-end labels at column 0). */
export function disassemble(instructions: readonly Instruction[], options: DisassembleOptions = {}): string {
  const targets = new Set<number>();
  instructions.forEach((inst, pc) => {
    if (inst.kind === 'loop' && pc + 1 + inst.body <= instructions.length) targets.add(pc + 1 + inst.body);
  });
  const labelAt = (index: number) => (targets.has(index) ? `L${index}` : undefined);
  // Loop bodies are indented two more spaces per nesting level.
  const ends: number[] = [];
  const lines = instructions.map((inst, pc) => {
    while (ends.length && ends[ends.length - 1] <= pc) ends.pop();
    const text = ' '.repeat(4 + 2 * ends.length) + formatInstruction(inst, pc, labelAt);
    if (inst.kind === 'loop') ends.push(pc + 1 + inst.body);
    return text;
  });
  const width = Math.max(0, ...lines.map((l) => l.length));
  let out = '';
  lines.forEach((text, pc) => {
    if (targets.has(pc)) out += `L${pc}:\n`;
    const word = options.words?.[pc];
    out += (word === undefined ? text : `${text.padEnd(width)}  # 0x${word.toString(16).padStart(WORD_BYTES * 2, '0')}`) + '\n';
  });
  if (targets.has(instructions.length)) out += `L${instructions.length}:\n`;
  return out;
}
