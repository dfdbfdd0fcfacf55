/**
 * `qacc disasm <prog.bin> [--words]`: prints a program container as qacc assembly on standard output.
 * The text assembles back (`qacc asm`) to a byte-identical program; `--words` appends each instruction
 * word in hex as a comment, which the assembler ignores.
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { disassemble, readProgram } from '../../isa/index.js';
import type { CommandFactory } from '../context.js';
import { PROGRAM_LIMIT, readInputBytes } from '../input-files.js';

interface Args {
  readonly file: string;
  readonly words: boolean;
}

export const disasmCommand: CommandFactory = (ctx): CommandModule<object, Args> => ({
  command: 'disasm <file>',
  describe: 'Print a binary qacc program as assembly',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'program container written by qacc asm' })
      .option('words', { type: 'boolean', default: false, describe: 'append each instruction word in hex as a comment' }),
  handler: (args: ArgumentsCamelCase<Args>) => {
    const { instructions, words } = readProgram(readInputBytes(args.file, PROGRAM_LIMIT));
    ctx.io.stdout(disassemble(instructions, args.words ? { words } : {}));
  },
});
