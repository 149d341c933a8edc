/**
 * Minimal safetensors reader/writer (https://huggingface.co/docs/safetensors): an
 * 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape
 * and byte range, then the raw little-endian data. No npm package for it is kept up,
 * and the format is small enough to own; anyone can open our runs with Python's
 * `safetensors.numpy.load_file`.
 */
export type TensorData = Float32Array | Float64Array | Int32Array;

export interface Tensor {
  data: TensorData;
  shape: number[];
}

const DTYPE_OF = new Map<string, string>([
  ['Float32Array', 'F32'],
  ['Float64Array', 'F64'],
  ['Int32Array', 'I32'],
]);

function dtypeOf(data: TensorData): string {
  const dtype = DTYPE_OF.get(data.constructor.name);
  if (!dtype) throw new Error(`safetensors: unsupported array type ${data.constructor.name}`);
  return dtype;
}

export function encodeSafetensors(tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const names = Object.keys(tensors).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const { data, shape } = tensors[name];
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`safetensors: tensor "${name}" has ${data.length} values but shape [${shape}]`);
    header[name] = { dtype: dtypeOf(data), shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const name of names) {
    const { data } = tensors[name];
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position);
    position += data.byteLength;
  }
  return out;
}

export class SafetensorsFormatError extends Error {}

export function decodeSafetensors(bytes: Uint8Array): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new SafetensorsFormatError('file shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) throw new SafetensorsFormatError('header length exceeds file size');
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>>;
  try {
    header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8'));
  } catch {
    throw new SafetensorsFormatError('header is not valid JSON');
  }
  const dataStart = 8 + headerLength;
  const tensors: Record<string, Tensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const [begin, end] = data_offsets;
    if (dataStart + end > bytes.length || begin > end) throw new SafetensorsFormatError(`tensor "${name}" lies outside the file`);
    // Copy into a fresh, aligned buffer (the file's data need not be aligned for every dtype).
    // (Uint8Array's slice copies; Buffer's would share the pooled memory.)
    const raw = Uint8Array.prototype.slice.call(bytes, dataStart + begin, dataStart + end);
    const data =
      dtype === 'F32' ? new Float32Array(raw.buffer) : dtype === 'F64' ? new Float64Array(raw.buffer) : dtype === 'I32' ? new Int32Array(raw.buffer) : null;
    if (!data) throw new SafetensorsFormatError(`tensor "${name}" has unsupported dtype ${dtype}`);
    tensors[name] = { data, shape };
  }
  return { tensors, metadata };
}
