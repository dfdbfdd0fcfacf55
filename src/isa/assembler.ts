/**
 * The qacc assembler: text → instruction objects → words. One instruction per line:
 *
 *     label:                      ; labels name the index of the next instruction
 *         loop count=4, body=end  ; `field=value` operands, in any order
 *         load act, a1, 0x100, 0, 16, 64, 4096, push_next   ; or positional, in field order
 *     end:
 *         halt                    # comments start with ; or #
 *
 * Values: decimal / 0x hex / 0b binary integers (underscores allowed, `-` for signed fields), enum names,
 * registers `a0`..`a15`, bare flag names for boolean fields (`clear` = `clear=1`), and labels in fields
 * marked `label` in the ISA (value = label index − (loop index + 1)). Optional fields may be omitted.
 *
 * Algorithm: a hand-written line lexer (the language is line-oriented with five token kinds, so a parser
 * generator would add nothing), pass 1 collects statements and label positions, pass 2 resolves operands
 * against the ISA definition and encodes, then loop structure is checked (bodies inside the program,
 * properly nested, at most machine.loopDepth deep). Every problem becomes a located diagnostic; the
 * assembler never throws for bad input and keeps going to report all errors of a file.
 */
import { editDistance } from '../formats/suggest.js';
import { describeRange, encodeInstruction } from './encode.js';
import { IsaError } from './errors.js';
import type { Instruction } from './generated-types.js';
import { ISA, allInstructions, findInstruction, type FieldInfo, type InstructionInfo } from './isa.js';

/** One assembler error, located at a 1-based line and column. */
export interface AsmDiagnostic {
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

export interface AsmResult {
  /** The program; complete only when `diagnostics` is empty. */
  readonly instructions: readonly Instruction[];
  readonly words: readonly bigint[];
  /** 1-based source line of each instruction. */
  readonly lines: readonly number[];
  readonly diagnostics: readonly AsmDiagnostic[];
}

/** Renders a diagnostic the way compilers do: `file:line:col: error: message`. */
export function formatAsmDiagnostic(file: string, d: AsmDiagnostic): string {
  return `${file}:${d.line}:${d.col}: error: ${d.message}`;
}

type TokenKind = 'ident' | 'number' | 'punct';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly col: number;
}

/** An operand as written: `name=value`, a bare value, or `-` followed by a number. */
interface Operand {
  readonly name?: Token;
  readonly value: Token;
  readonly negative: boolean;
}

interface Statement {
  readonly line: number;
  readonly mnemonic: Token;
  readonly operands: readonly Operand[];
}

class LineError extends Error {
  constructor(
    readonly col: number,
    message: string,
  ) {
    super(message);
  }
}

const IDENT_START = /[A-Za-z_.]/;
const IDENT_PART = /[A-Za-z0-9_.]/;

function lexLine(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === ';' || c === '#') break;
    const start = i;
    if (IDENT_START.test(c)) {
      while (i < text.length && IDENT_PART.test(text[i])) i++;
      tokens.push({ kind: 'ident', text: text.slice(start, i), col: start + 1 });
    } else if (/[0-9]/.test(c)) {
      while (i < text.length && /[0-9A-Za-z_]/.test(text[i])) i++;
      tokens.push({ kind: 'number', text: text.slice(start, i), col: start + 1 });
    } else if (c === '=' || c === ',' || c === ':' || c === '-') {
      i++;
      tokens.push({ kind: 'punct', text: c, col: start + 1 });
    } else {
      throw new LineError(start + 1, `unexpected character '${c}'`);
    }
  }
  return tokens;
}

/** Parses an integer literal; undefined when malformed. */
function parseInteger(text: string): bigint | undefined {
  const clean = text.replace(/_/g, '');
  if (/^0x[0-9a-fA-F]+$/.test(clean) || /^0b[01]+$/.test(clean) || /^[0-9]+$/.test(clean)) {
    if (text.endsWith('_') || text.includes('__')) return undefined;
    return BigInt(clean);
  }
  return undefined;
}

/** Splits one line into its labels and its statement (if any). */
function parseLine(text: string, line: number, labels: (tok: Token) => void): Statement | undefined {
  const tokens = lexLine(text);
  let pos = 0;
  while (tokens[pos]?.kind === 'ident' && tokens[pos + 1]?.text === ':') {
    labels(tokens[pos]);
    pos += 2;
  }
  if (pos >= tokens.length) return undefined;
  const mnemonic = tokens[pos++];
  if (mnemonic.kind !== 'ident') throw new LineError(mnemonic.col, `expected an instruction mnemonic, found '${mnemonic.text}'`);
  const operands: Operand[] = [];
  while (pos < tokens.length) {
    if (operands.length > 0) {
      const comma = tokens[pos];
      if (comma.text !== ',') throw new LineError(comma.col, `expected ',' between operands, found '${comma.text}'`);
      pos++;
    }
    let name: Token | undefined;
    if (tokens[pos]?.kind === 'ident' && tokens[pos + 1]?.text === '=') {
      name = tokens[pos];
      pos += 2;
    }
    let negative = false;
    if (tokens[pos]?.text === '-') {
      negative = true;
      pos++;
    }
    const value = tokens[pos];
    if (value === undefined) {
      const last = tokens[tokens.length - 1];
      throw new LineError(last.col + last.text.length, 'expected an operand value');
    }
    if (value.kind === 'punct') throw new LineError(value.col, `expected an operand value, found '${value.text}'`);
    if (negative && value.kind !== 'number') throw new LineError(value.col, `'-' must be followed by a number`);
    operands.push({ name, value, negative });
    pos++;
  }
  return { line, mnemonic, operands };
}

/** ` (did you mean x?)` when a candidate is close to `given`, else ''. */
function didYouMean(given: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  // Longer names get more slack: 'lod' → load, 'fp61' → fp16, but not 'foo' → loop or 'q' → m.
  let bestDistance = (given.length <= 2 ? 0 : given.length <= 3 ? 1 : 2) + 1;
  for (const c of candidates) {
    const d = editDistance(given, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean ${best}?)`;
}

type LabelTable = ReadonlyMap<string, number>;

/** Resolves one operand value for field `f` of the instruction at index `pc`. */
function operandValue(info: InstructionInfo, f: FieldInfo, op: Operand, pc: number, labels: LabelTable): boolean | string | number {
  const tok = op.value;
  const where = `${info.name}.${f.name}`;
  const integer = (): bigint => {
    if (tok.kind !== 'number') throw new LineError(tok.col, `${where}: expected a number, found '${tok.text}'`);
    const v = parseInteger(tok.text);
    if (v === undefined) throw new LineError(tok.col, `malformed number '${tok.text}'`);
    return op.negative ? -v : v;
  };
  const inRange = (v: bigint, shown: string): number => {
    if (v < BigInt(f.minValue) || v > BigInt(f.maxValue)) {
      throw new LineError(tok.col, `${where}: ${shown} is out of range ${describeRange(f)} (${f.width}-bit ${f.type})`);
    }
    return Number(v);
  };
  switch (f.type) {
    case 'bool': {
      if (tok.kind === 'ident' && (tok.text === 'true' || tok.text === 'false')) return tok.text === 'true';
      const v = integer();
      if (v !== 0n && v !== 1n) throw new LineError(tok.col, `${where}: expected 0, 1, true or false, found ${v}`);
      return v === 1n;
    }
    case 'enum': {
      if (tok.kind !== 'ident' || !f.codeOf?.has(tok.text)) {
        const names = [...(f.codeOf?.keys() ?? [])];
        const hint = tok.kind === 'ident' ? didYouMean(tok.text, names) : '';
        const expected = names.length <= 8 ? `one of ${names.join('|')}` : `a ${f.enum} name`;
        throw new LineError(tok.col, `${where}: '${tok.text}' is not ${expected}${hint}`);
      }
      return tok.text;
    }
    case 'reg': {
      const m = tok.kind === 'ident' ? /^a([0-9]+)$/.exec(tok.text) : null;
      if (!m) throw new LineError(tok.col, `${where}: expected a register a0..a${f.maxValue}, found '${tok.text}'`);
      const index = BigInt(m[1]);
      if (index > BigInt(f.maxValue)) throw new LineError(tok.col, `${where}: no register '${tok.text}' (a0..a${f.maxValue})`);
      return Number(index);
    }
    case 'uint':
    case 'sint':
    case 'addr':
    case 'len': {
      if (tok.kind === 'ident' && f.label) {
        const target = labels.get(tok.text);
        if (target === undefined) throw new LineError(tok.col, `undefined label '${tok.text}'${didYouMean(tok.text, labels.keys())}`);
        const v = BigInt(target - (pc + 1));
        if (v < BigInt(f.minValue)) throw new LineError(tok.col, `${where}: label '${tok.text}' must come after the ${info.name} (at least ${f.minValue} instruction(s) later)`);
        return inRange(v, `label '${tok.text}' (${v})`);
      }
      const v = integer();
      return inRange(v, `${op.negative ? '-' : ''}${tok.text}`);
    }
  }
}

/** Builds the instruction of one statement; throws LineError located at the offending token. */
function buildInstruction(st: Statement, pc: number, labels: LabelTable): Instruction {
  const info = findInstruction(st.mnemonic.text);
  if (!info) {
    const names = allInstructions().map((i) => i.name as string);
    throw new LineError(st.mnemonic.col, `unknown instruction '${st.mnemonic.text}'${didYouMean(st.mnemonic.text, names)}`);
  }
  const values = new Map<string, boolean | string | number>();
  const positional = info.fields;
  let nextPositional = 0;
  let sawKeyword = false;
  for (const op of st.operands) {
    let f: FieldInfo | undefined;
    let value: boolean | string | number;
    const flag = op.name === undefined && op.value.kind === 'ident' ? info.field.get(op.value.text) : undefined;
    if (flag?.type === 'bool') {
      f = flag;
      value = true;
      sawKeyword = true;
    } else if (op.name !== undefined) {
      f = info.field.get(op.name.text);
      if (!f) {
        const known = info.fields.map((x) => x.name);
        const list = known.length ? `; fields: ${known.join(', ')}` : '; it takes no operands';
        throw new LineError(op.name.col, `${info.name} has no field '${op.name.text}'${didYouMean(op.name.text, known)}${list}`);
      }
      value = operandValue(info, f, op, pc, labels);
      sawKeyword = true;
    } else {
      if (sawKeyword) throw new LineError(op.value.col, 'positional operands must come before field=value operands and flags');
      f = positional[nextPositional++];
      if (!f) throw new LineError(op.value.col, `too many operands: ${info.name} has ${positional.length} field(s)`);
      value = operandValue(info, f, op, pc, labels);
    }
    if (values.has(f.name)) throw new LineError((op.name ?? op.value).col, `field '${f.name}' is given twice`);
    values.set(f.name, value);
  }
  const missing = info.fields.filter((f) => !f.optional && !values.has(f.name)).map((f) => f.name);
  if (missing.length) throw new LineError(st.mnemonic.col, `${info.name}: missing field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const record: Record<string, unknown> = { kind: info.name };
  for (const f of info.fields) record[f.name] = values.get(f.name) ?? (f.type === 'bool' ? false : f.type === 'enum' ? f.nameOf?.get(0) : 0);
  return record as unknown as Instruction;
}

/**
 * Checks loop structure: each body ends inside the program, an inner loop's body ends no later than its
 * enclosing body, and nesting stays within machine.loopDepth. Returns (instruction index, message) pairs.
 */
export function checkLoops(instructions: readonly Instruction[]): { index: number; message: string }[] {
  const problems: { index: number; message: string }[] = [];
  const open: number[] = []; // end index (exclusive) of each enclosing loop body
  instructions.forEach((inst, pc) => {
    while (open.length && open[open.length - 1] <= pc) open.pop();
    if (inst.kind !== 'loop') return;
    const end = pc + 1 + inst.body;
    if (end > instructions.length) {
      problems.push({ index: pc, message: `loop body of ${inst.body} instruction(s) runs past the end of the program (${instructions.length - pc - 1} follow)` });
      return;
    }
    if (open.length && end > open[open.length - 1]) {
      problems.push({ index: pc, message: 'loop body ends after the body of the enclosing loop (loops must nest)' });
      return;
    }
    if (open.length + 1 > ISA.machine.loopDepth) {
      problems.push({ index: pc, message: `loops nest more than ${ISA.machine.loopDepth} deep` });
      return;
    }
    open.push(end);
  });
  return problems;
}

/** Assembles `text`. Never throws for bad input: problems are returned as diagnostics. */
export function assemble(text: string): AsmResult {
  const diagnostics: AsmDiagnostic[] = [];
  const statements: Statement[] = [];
  const labels = new Map<string, number>();
  text.split('\n').forEach((lineText, i) => {
    const line = i + 1;
    try {
      const st = parseLine(lineText, line, (tok) => {
        if (labels.has(tok.text)) diagnostics.push({ line, col: tok.col, message: `label '${tok.text}' is already defined` });
        else if (findInstruction(tok.text)) diagnostics.push({ line, col: tok.col, message: `label '${tok.text}' is an instruction name` });
        else labels.set(tok.text, statements.length);
      });
      if (st) statements.push(st);
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      diagnostics.push({ line, col: err.col, message: err.message });
    }
  });
  const instructions: Instruction[] = [];
  const words: bigint[] = [];
  const lines: number[] = [];
  statements.forEach((st, pc) => {
    try {
      const inst = buildInstruction(st, pc, labels);
      words.push(encodeInstruction(inst));
      instructions.push(inst);
      lines.push(st.line);
    } catch (err) {
      if (err instanceof LineError) diagnostics.push({ line: st.line, col: err.col, message: err.message });
      else if (err instanceof IsaError) diagnostics.push({ line: st.line, col: st.mnemonic.col, message: err.message });
      else throw err;
    }
  });
  if (diagnostics.length === 0) {
    for (const p of checkLoops(instructions)) diagnostics.push({ line: lines[p.index], col: statements[p.index].mnemonic.col, message: p.message });
  }
  diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
  return { instructions, words, lines, diagnostics };
}
