/** The list of qacc subcommands, in the order `qacc --help` shows them. */
import type { CommandFactory } from '../context.js';
import { asmCommand } from './asm.js';
import { buildCommand } from './build.js';
import { checkCommand } from './check.js';
import { disasmCommand } from './disasm.js';
import { estimateCommand } from './estimate.js';
import { formatsCommand } from './formats.js';
import { quantizeCommand } from './quantize.js';
import { irCommand } from './ir.js';
import { simCommand } from './sim.js';
import { verifyCommand } from './verify.js';

export const commands: CommandFactory[] = [formatsCommand, quantizeCommand, checkCommand, irCommand, asmCommand, disasmCommand, simCommand, estimateCommand, buildCommand, verifyCommand];
