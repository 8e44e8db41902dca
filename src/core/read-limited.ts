/**
 * A web stream read whole, but never past a limit: reading stops, and the stream is cancelled,
 * at the first chunk that takes it over. Servers use it so an oversized body is refused
 * without being held whole.
 */
export async function readLimited(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<{ bytes: Uint8Array; overLimit: boolean }> {
  if (!stream) return { bytes: new Uint8Array(0), overLimit: false };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let overLimit = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) {
      overLimit = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return { bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), overLimit };
}
