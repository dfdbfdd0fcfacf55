/**
 * Opens a WebGPU device for the WGSL reference kernels in Node (issue 14): Dawn for Node (npm `webgpu`) on
 * Mesa's software OpenGL ES driver in compatibility mode (/work/shared/reference/toolchain.md: Dawn rejects
 * Mesa's lavapipe Vulkan; a fallback adapter is not requested). EGL_PLATFORM=surfaceless is set when unset, so
 * no display is needed. The object `create` returns (Dawn's instance) is kept for the life of the process:
 * once it is garbage-collected, the device it made aborts or hangs the process on its next use (seen with
 * webgpu 0.6.2: a segfault or a hang after a few launches once `gc()` runs); holding it does not keep Node
 * from exiting. A missing package or driver is one VerifyError naming the install command (never a silent skip).
 */
/// <reference types="@webgpu/types" />
import { VerifyError } from './errors.js';

/** What to install when Dawn or Mesa is missing (README set-up). */
export const WGSL_INSTALL_HINT = 'install Mesa\'s OpenGL ES driver (apt-get install libegl1 libegl-mesa0 libgles2) and the npm package webgpu (npm install)';

let opened: Promise<GPUDevice> | undefined;
/** Dawn's instance: must outlive every device it made (see the header). */
let instance: GPU | undefined;

async function open(): Promise<GPUDevice> {
  process.env.EGL_PLATFORM ??= 'surfaceless';
  let mod: typeof import('webgpu');
  try {
    mod = await import('webgpu');
  } catch (err) {
    throw new VerifyError('backend-unavailable', `wgsl: cannot load Dawn for Node (${(err as Error).message.split('\n')[0]}); ${WGSL_INSTALL_HINT}`);
  }
  Object.assign(globalThis, mod.globals);
  let adapter: GPUAdapter | null;
  try {
    instance ??= mod.create(['backend=opengles']);
    adapter = await instance.requestAdapter({ featureLevel: 'compatibility' });
  } catch (err) {
    throw new VerifyError('backend-unavailable', `wgsl: Dawn could not start (${(err as Error).message.split('\n')[0]}); ${WGSL_INSTALL_HINT}`);
  }
  if (!adapter) throw new VerifyError('backend-unavailable', `wgsl: Dawn found no OpenGL ES adapter (Mesa's EGL/GLES libraries missing?); ${WGSL_INSTALL_HINT}`);
  return adapter.requestDevice({ requiredLimits: { maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage } });
}

/** The process's one Dawn device (opened on first use). */
export function dawnDevice(): Promise<GPUDevice> {
  opened ??= open().catch((err: unknown) => {
    opened = undefined;
    throw err;
  });
  return opened;
}
