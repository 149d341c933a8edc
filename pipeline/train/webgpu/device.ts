/**
 * Finding a WebGPU adapter in Node through the `webgpu` package (Google's Dawn, prebuilt).
 *
 * Policy, in one place:
 *  1. a hardware adapter through Dawn's default backend (Vulkan on Linux: libvulkan1 and
 *     the GPU driver's Vulkan ICD; in a container the NVIDIA `graphics` capability);
 *  2. only when explicitly allowed (WEBGPU_ALLOW_SOFTWARE=1, what the tests set, or
 *     `allowSoftware`), a software adapter: Dawn's OpenGL ES backend on Mesa's llvmpipe
 *     (packages libegl1 libegl-mesa0 libgl1-mesa-dri libegl-dev). It is correct and slow,
 *     so it is never picked for speed by accident.
 * The native addon is loaded on first use only, so importing this module costs nothing
 * (the site build never opens a GPU).
 */

// The WebGPU types are the global ones (@webgpu/types, via tfjs-core); Dawn's own entry
// points and the newer adapter fields are described here.
interface DawnGpu {
  requestAdapter(options?: { powerPreference?: GPUPowerPreference; featureLevel?: 'core' | 'compatibility' }): Promise<GPUAdapter | null>;
}
type DawnModule = { create(options: string[]): DawnGpu; globals: object };
const infoOf = (adapter: GPUAdapter): GPUAdapterInfo => (adapter as unknown as { info: GPUAdapterInfo }).info;

/** The system packages Dawn's software (OpenGL ES on llvmpipe) adapter needs on Debian. */
export const SOFTWARE_ADAPTER_PACKAGES = 'libegl1 libegl-mesa0 libgl1-mesa-dri libegl-dev';
export const ALLOW_SOFTWARE_VARIABLE = 'WEBGPU_ALLOW_SOFTWARE';

export interface GpuAdapter {
  adapter: GPUAdapter;
  /** Human-readable: device name and driver, e.g. "llvmpipe (…) / OpenGL ES 3.2 Mesa 22.3.6". */
  name: string;
  /** A CPU rasteriser (llvmpipe, lavapipe, SwiftShader…): fine for tests, useless for speed. */
  software: boolean;
  /** Dawn backend it came from. */
  backend: 'default' | 'opengles';
  /**
   * Another adapter for the same GPU. An adapter gives out one device; a second user in
   * the process (tfjs's WebGPU backend next to this engine) needs its own.
   */
  another(): Promise<GPUAdapter | null>;
}

export class NoAdapterError extends Error {}

/** Whether the user allowed a software adapter (WEBGPU_ALLOW_SOFTWARE=1). The only place it is read. */
export function softwareAllowed(): boolean {
  const value = process.env[ALLOW_SOFTWARE_VARIABLE];
  return value !== undefined && value !== '' && value !== '0';
}

export function describeAdapter(info: GPUAdapterInfo): string {
  return [info.vendor, info.architecture, info.device, info.description].filter((part) => part && part.trim()).join(' / ') || 'unnamed adapter';
}

export function isSoftwareAdapter(info: GPUAdapterInfo): boolean {
  return Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter) || /llvmpipe|lavapipe|softpipe|swiftshader|software|basic render/i.test(describeAdapter(info));
}

// The GPU objects returned by create() must outlive every device made from them: when one
// is garbage-collected, Dawn tears the instance down under live devices and the process
// segfaults. They are kept here for the life of the process.
const instances: DawnGpu[] = [];
let dawn: Promise<DawnModule> | null = null;

async function loadDawn() {
  // A variable specifier keeps the type checker from loading the package's own (newer) WebGPU types.
  const specifier = 'webgpu';
  dawn ??= (import(/* @vite-ignore */ specifier) as Promise<DawnModule>).catch((error: unknown) => {
    dawn = null;
    throw new NoAdapterError(`webgpu: the "webgpu" package (Dawn for Node) could not be loaded (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); run npm ci`);
  });
  return dawn;
}

/** WebGPU's globals (GPUBufferUsage, GPUMapMode…), for code that expects a browser. */
export async function webgpuGlobals(): Promise<object> {
  return (await loadDawn()).globals;
}

const probes = new Map<string, Promise<GpuAdapter | null>>();

function probe(backend: GpuAdapter['backend']): Promise<GpuAdapter | null> {
  let found = probes.get(backend);
  if (!found) {
    found = (async () => {
      const { create } = await loadDawn();
      if (backend === 'opengles') {
        // Mesa's EGL without a display server; only affects this process's EGL.
        process.env.EGL_PLATFORM ??= 'surfaceless';
      }
      const gpu = create(backend === 'opengles' ? ['backend=opengles'] : []);
      instances.push(gpu);
      const request = () => gpu.requestAdapter(backend === 'opengles' ? { featureLevel: 'compatibility' } : { powerPreference: 'high-performance' });
      const adapter = await request();
      if (!adapter) return null;
      return { adapter, name: describeAdapter(infoOf(adapter)), software: isSoftwareAdapter(infoOf(adapter)), backend, another: request };
    })();
    probes.set(backend, found);
  }
  return found;
}

/** The hardware adapter, or null when this machine has none that Dawn can use. Never a software one. */
export async function hardwareAdapter(): Promise<GpuAdapter | null> {
  const found = await probe('default');
  return found && !found.software ? found : null;
}

/**
 * The adapter to train on: hardware when present; otherwise a software adapter if allowed
 * (argument, else WEBGPU_ALLOW_SOFTWARE), else a one-line NoAdapterError saying why and how.
 */
export async function chooseAdapter(options: { allowSoftware?: boolean } = {}): Promise<GpuAdapter> {
  const allow = options.allowSoftware ?? softwareAllowed();
  const hardware = await probe('default');
  if (hardware && !hardware.software) return hardware;
  if (!allow) {
    const software = hardware?.software ? hardware.name : null;
    throw new NoAdapterError(
      software
        ? `webgpu: the only adapter is a software renderer (${software}); refusing to train on it. Set ${ALLOW_SOFTWARE_VARIABLE}=1 to use it anyway (tests do).`
        : `webgpu: no hardware GPU adapter (Dawn uses Vulkan: install libvulkan1 and the GPU driver's Vulkan ICD; in a container enable the NVIDIA "graphics" driver capability). Set ${ALLOW_SOFTWARE_VARIABLE}=1 to use Mesa's software adapter (packages ${SOFTWARE_ADAPTER_PACKAGES}).`,
    );
  }
  if (hardware) return hardware; // a software adapter from the default backend
  const software = await probe('opengles');
  if (software) return { ...software, software: true }; // GL ES through Mesa here is llvmpipe or a GPU's GL: only ever chosen as the fallback
  throw new NoAdapterError(
    `webgpu: no WebGPU adapter at all, not even Mesa's software one: install ${SOFTWARE_ADAPTER_PACKAGES} (apt-get install -y ${SOFTWARE_ADAPTER_PACKAGES}) for the software adapter, or libvulkan1 and a GPU driver for a real one.`,
  );
}

/** Workgroup size of every kernel; compatibility mode's default limit is 128, so it is requested. */
export const WORKGROUP_SIZE = 256;

const devices = new WeakMap<GPUAdapter, Promise<GPUDevice>>();

/** One device per adapter, shared by every model of the process (buffers are per model). */
export function deviceFor(chosen: GpuAdapter): Promise<GPUDevice> {
  let device = devices.get(chosen.adapter);
  if (!device) {
    const limits = chosen.adapter.limits;
    device = chosen.adapter.requestDevice({
      requiredLimits: {
        maxComputeWorkgroupSizeX: WORKGROUP_SIZE,
        maxComputeInvocationsPerWorkgroup: WORKGROUP_SIZE,
        maxStorageBuffersPerShaderStage: Math.min(limits.maxStorageBuffersPerShaderStage, 8),
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
      },
    });
    devices.set(chosen.adapter, device);
  }
  return device;
}
