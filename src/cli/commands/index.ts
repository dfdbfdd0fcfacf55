/** The list of qacc subcommands, in the order `qacc --help` shows them. */
import type { CommandFactory } from '../context.js';
import { asmCommand } from './asm.js';
import { disasmCommand } from './disasm.js';
import { formatsCommand } from './formats.js';

export const commands: CommandFactory[] = [formatsCommand, asmCommand, disasmCommand];
