import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body up to `maxBytes`: the bytes, `null` once it is over (the rest is not
 * kept; the caller answers 413), or `undefined` when the peer went away before the end (nothing
 * of a cut body is used). A `Content-Length` over the limit is refused before any read.
 *
 * @example
 * ```ts
 * const body = await readBody(req, 1 << 20);
 * if (body === null) return res.writeHead(413).end();
 * ```
 * @internal
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | null | undefined> {
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) return Promise.resolve(null);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.byteLength;
      if (size > maxBytes) {
        over = true;
        chunks.length = 0;
        resolve(null);
      } else chunks.push(c);
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', () => over || resolve(undefined));
    req.on('close', () => over || ended || resolve(undefined));
  });
}
