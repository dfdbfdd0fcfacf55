/**
 * A unit Yosys cannot synthesize fails with a line that says why: WebAssembly Yosys aborts with `bad_alloc`
 * (its message is only "unreachable") when a unit needs more than its 4 GiB address space, as the svdquant
 * tile engine does (docs/estimate.md "Tile engine extrapolation"); any other failure keeps Yosys's message.
 * The Yosys worker is replaced by a stub here: no Yosys runs.
 */
import { describe, expect, it, vi } from 'vitest';

const reply = vi.hoisted(() => ({ current: { ok: false, message: 'unreachable', log: 'libc++abi: bad_alloc was thrown in -fno-exceptions mode\n' } }));
vi.mock('../../../src/verify/rtl/yosys.js', () => ({ runYosysInWorker: () => Promise.resolve(reply.current) }));

const { synthesizeUnit } = await import('../../../src/estimate/synth/synthesize.js');

const unit = { name: 'big', text: 'module big(input a, output y); assign y = a; endmodule\n' };

describe('a unit Yosys cannot synthesize', () => {
  it('out of memory: says so, naming the unit', async () => {
    await expect(synthesizeUnit('big', {}, [unit], [], { flow: 'generic', cacheDir: null })).rejects.toThrow(/^yosys could not synthesize big \(generic\): out of memory \(WebAssembly Yosys can address at most 4 GiB\)/);
  });

  it("any other failure: Yosys's own message", async () => {
    reply.current = { ok: false, message: 'syntax error', log: 'ERROR: syntax error, unexpected TOK_ID\n' };
    await expect(synthesizeUnit('big', {}, [unit], [], { flow: 'generic', cacheDir: null })).rejects.toThrow(/^yosys could not synthesize big \(generic\): syntax error\n/);
  });
});
