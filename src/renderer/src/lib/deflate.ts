/** zlib (RFC 1950) deflate + base64, the label-map wire format, with the browser's own streams. */

async function pump(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream))
  return new Uint8Array(await out.arrayBuffer())
}

export function bytesToBase64(bytes: Uint8Array): string {
  let s = ''
  const chunk = 0x8000 // keep String.fromCharCode's argument list bounded
  for (let i = 0; i < bytes.length; i += chunk) s += String.fromCharCode(...bytes.subarray(i, i + chunk))
  return btoa(s)
}

export function base64ToBytes(b64: string): Uint8Array {
  const s = atob(b64)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

export async function deflateBase64(bytes: Uint8Array): Promise<string> {
  return bytesToBase64(await pump(bytes, new CompressionStream('deflate')))
}

export async function inflateBase64(b64: string): Promise<Uint8Array> {
  return pump(base64ToBytes(b64), new DecompressionStream('deflate'))
}
