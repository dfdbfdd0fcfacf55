/**
 * The `wgsl` backend of qacc verify (issue 14): each case's GEMM runs through the PE kind's generated WGSL
 * kernel (src/pe/<kind>/kernel-wgsl.ts via src/codegen/kernels/targets.ts) on Dawn for Node over Mesa's
 * software OpenGL ES (wgsl-device.ts), output buffer poisoned before each run (codegen/wgsl/runner.ts).
 * Level `model`: it computes the arithmetic definition, as golden does, not the ISA program. check() fails
 * with one line when Dawn or Mesa is missing or a target's kind has no WGSL kernel (never a silent skip).
 */
import { kernelSetFor } from '../codegen/kernels/targets.js';
import { NoKernelError, type KernelSet } from '../codegen/kernels/manifest.js';
import { WgslRunner } from '../codegen/wgsl/runner.js';
import type { Target } from '../compile/target.js';
import type { Backend } from './backends.js';
import { VerifyError } from './errors.js';
import { dawnDevice } from './wgsl-device.js';

export function createWgslBackend(): Backend {
  let runner: WgslRunner | undefined;
  const sets = new Map<Target, KernelSet>();
  const setOf = (t: Target): KernelSet => {
    let s = sets.get(t);
    if (!s) {
      try {
        s = kernelSetFor(t, 'wgsl');
      } catch (err) {
        if (err instanceof NoKernelError) throw new VerifyError('backend-unavailable', `wgsl: ${err.message}`);
        throw err;
      }
      if (!s) throw new VerifyError('backend-unavailable', `wgsl: PE kind ${t.golden.kind} has no WGSL kernel yet`);
      sets.set(t, s);
    }
    return s;
  };
  return {
    name: 'wgsl',
    description: 'WGSL reference kernels on Dawn (Mesa OpenGL ES)',
    level: 'model',
    async check(targets) {
      for (const vt of targets) {
        try {
          setOf(vt.target);
        } catch (err) {
          if (err instanceof VerifyError) throw new VerifyError('backend-unavailable', `${err.message} (accelerator ${vt.label})`);
          throw err;
        }
      }
      runner ??= new WgslRunner(await dawnDevice());
    },
    run() {
      throw new Error('the wgsl backend reads results back asynchronously: call runAsync');
    },
    async runAsync(c) {
      if (!runner) throw new Error('wgsl backend: check() was not called');
      const set = setOf(c.target);
      const words = await runner.run(set, set.launch(c.operands));
      return { outputs: set.outputCodes(words, c.operands) };
    },
  };
}
