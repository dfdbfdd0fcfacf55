/// <reference types="@webgpu/types" />
/**
 * Runs a generated WGSL kernel set on a WebGPU device (issue 14): uploads a KernelLaunch's params and
 * input words, poisons the output buffer (every word 0xDEADBEEF, so a word the kernel fails to write shows
 * up as a mismatch instead of a stale or zero value that happens to be right; scratch buffers between passes
 * likewise), runs the passes in order
 * and reads the output words back. Platform-neutral: it takes any GPUDevice (Dawn for Node in
 * src/verify/wgsl-device.ts, a browser's navigator.gpu). Pipelines are cached per shader text and entry.
 * A shader that fails to compile, or a validation error of the launch, throws with the device's message.
 */
import type { KernelLaunch, KernelSet } from '../kernels/manifest.js';

/** The word every output word holds before a run. */
export const OUTPUT_POISON = 0xdeadbeef;

export class WgslRunner {
  private readonly pipelines = new Map<string, Promise<GPUComputePipeline>>();

  constructor(readonly device: GPUDevice) {}

  private pipeline(code: string, entryPoint: string): Promise<GPUComputePipeline> {
    const key = `${entryPoint}\0${code}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = (async () => {
        const module = this.device.createShaderModule({ code });
        const info = await module.getCompilationInfo();
        const errors = info.messages.filter((m) => m.type === 'error');
        if (errors.length > 0) throw new Error(`WGSL does not compile: ${errors.map((m) => `${m.lineNum}:${m.linePos}: ${m.message}`).join('; ')}`);
        this.device.pushErrorScope('validation');
        const pipe = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint } });
        const err = await this.device.popErrorScope();
        if (err) throw new Error(`WGSL pipeline ${entryPoint}: ${err.message}`);
        return pipe;
      })();
      this.pipelines.set(key, p);
    }
    return p;
  }

  private storage(words: Uint32Array, usage: number): GPUBuffer {
    const buf = this.device.createBuffer({ size: Math.max(16, words.byteLength), usage: usage | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(buf, 0, words.buffer, words.byteOffset, words.byteLength);
    return buf;
  }

  /** Runs one launch of a set; resolves to the output words. */
  async run(set: Pick<KernelSet, 'files' | 'entries'>, launch: KernelLaunch): Promise<Uint32Array> {
    const d = this.device;
    const params = Uint32Array.from(Object.values(launch.params));
    const paramWords = new Uint32Array(Math.max(4, Math.ceil(params.length / 4) * 4));
    paramWords.set(params);
    const created: GPUBuffer[] = [];
    const make = (b: GPUBuffer): GPUBuffer => {
      created.push(b);
      return b;
    };
    try {
      const uniform = make(this.storage(paramWords, GPUBufferUsage.UNIFORM));
      const inputs = new Map(Object.entries(launch.inputs).map(([name, words]) => [name, make(this.storage(words, GPUBufferUsage.STORAGE))]));
      for (const [name, words] of Object.entries(launch.scratch ?? {})) inputs.set(name, make(this.storage(new Uint32Array(Math.max(1, words)).fill(OUTPUT_POISON), GPUBufferUsage.STORAGE)));
      const outWords = new Uint32Array(Math.max(1, launch.output.words)).fill(OUTPUT_POISON);
      const output = make(this.storage(outWords, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC));
      const readback = make(d.createBuffer({ size: outWords.byteLength, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
      // Pipelines first (each awaits its own error scope), then one encoder under one scope.
      const limit = d.limits.maxComputeWorkgroupsPerDimension;
      const steps: { pipe: GPUComputePipeline; entries: GPUBindGroupEntry[]; workgroups: readonly [number, number, number] }[] = [];
      for (const pass of launch.passes) {
        const entry = set.entries.find((e) => e.entryPoint === pass.entryPoint);
        const file = entry && set.files.find((f) => f.path === entry.file);
        if (!entry || !file) throw new Error(`WGSL launch names entry point ${pass.entryPoint}, which the kernel set lacks`);
        const storage = entry.bindings.filter((b) => b.access !== 'uniform').length;
        if (storage > d.limits.maxStorageBuffersPerShaderStage) throw new Error(`WGSL entry ${entry.entryPoint} binds ${storage} storage buffers; this device allows ${d.limits.maxStorageBuffersPerShaderStage} per stage`);
        if (pass.workgroups.some((w) => w > limit)) throw new Error(`WGSL launch of ${pass.entryPoint}: ${pass.workgroups.join(' × ')} workgroups exceed the device's ${limit} per dimension (a smaller GEMM, or split it)`);
        const pipe = await this.pipeline(file.text, entry.entryPoint);
        const entries = entry.bindings.map((b) => {
          const buffer = b.access === 'uniform' ? uniform : b.name === launch.output.name ? output : inputs.get(b.name);
          if (!buffer) throw new Error(`WGSL launch has no buffer for binding ${b.name}`);
          return { binding: b.binding, resource: { buffer } };
        });
        steps.push({ pipe, entries, workgroups: pass.workgroups });
      }
      d.pushErrorScope('validation');
      const enc = d.createCommandEncoder();
      for (const step of steps) {
        const group = d.createBindGroup({ layout: step.pipe.getBindGroupLayout(0), entries: step.entries });
        const p = enc.beginComputePass();
        p.setPipeline(step.pipe);
        p.setBindGroup(0, group);
        p.dispatchWorkgroups(...step.workgroups);
        p.end();
      }
      enc.copyBufferToBuffer(output, 0, readback, 0, outWords.byteLength);
      d.queue.submit([enc.finish()]);
      const err = await d.popErrorScope();
      if (err) throw new Error(`WGSL launch: ${err.message}`);
      await readback.mapAsync(GPUMapMode.READ);
      const words = new Uint32Array(readback.getMappedRange().slice(0));
      readback.unmap();
      return words.subarray(0, launch.output.words);
    } finally {
      for (const b of created) b.destroy();
    }
  }
}
