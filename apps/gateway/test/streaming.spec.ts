import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { UPLOAD_LIMIT_BYTES } from '../src/routing/upstream.client';
import { GatewayUnderTest, startGateway } from './support/gateway';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MB = 1024 * 1024;

/** What the stand-in service saw of each upload. */
interface Received {
  path: string;
  contentType?: string;
  bytes: number;
  sha256: string;
  complete: boolean;
}

/**
 * A real HTTP server standing in for a service behind the gateway: it hashes uploads as they
 * arrive (optionally slowly), and streams downloads, one of which it holds until told to go on.
 */
class StandInService {
  readonly received: Received[] = [];
  readonly download = randomBytes(20 * MB);
  private release?: () => void;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.handle(request, response));
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Lets the held upload or download (`?hold=1`) go on. */
  go(): void {
    this.release?.();
  }

  private held(): Promise<void> {
    return new Promise<void>((resolve) => (this.release = resolve));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url!, 'http://x');
    const path = url.pathname.replace('/api/v1/opportunities', '');
    if (request.method === 'POST' && path === '/upload') {
      const hash = createHash('sha256');
      const seen: Received = { path, contentType: request.headers['content-type'], bytes: 0, sha256: '', complete: false };
      this.received.push(seen);
      const hold = url.searchParams.has('hold');
      try {
        for await (const chunk of request) {
          hash.update(chunk as Buffer);
          if (hold && seen.bytes === 0) await this.held();
          seen.bytes += (chunk as Buffer).length;
        }
      } catch {
        return; // the gateway broke the upload off
      }
      seen.complete = true;
      seen.sha256 = hash.digest('hex');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes: seen.bytes, sha256: seen.sha256 }));
      return;
    }
    if (request.method === 'POST' && path === '/refuse') {
      // Answers before reading the upload, as a service refusing a role or a query does.
      response.writeHead(403, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: 403, code: 'AUTH.FORBIDDEN' }));
      return;
    }
    if (request.method === 'POST' && path === '/silent') {
      request.resume(); // reads the upload, never answers
      return;
    }
    if (request.method === 'POST' && path === '/json') {
      let text = '';
      for await (const chunk of request) text += chunk;
      response.writeHead(201, { 'content-type': 'application/json', location: '/api/v1/opportunities/1' }).end(JSON.stringify({ got: JSON.parse(text), type: request.headers['content-type'] }));
      return;
    }
    if (request.method === 'GET' && path === '/export') {
      response.writeHead(200, {
        'content-type': XLSX,
        'content-length': String(this.download.length),
        'content-disposition': `attachment; filename="c.xlsx"; filename*=UTF-8''%E5%AE%A2.xlsx`,
      });
      const pause = Number(url.searchParams.get('pauseMs') ?? 0);
      for (let at = 0; at < this.download.length; at += 256 * 1024) {
        if (!response.write(this.download.subarray(at, at + 256 * 1024))) await once(response, 'drain');
        if (at === 0 && url.searchParams.has('hold')) await this.held();
        if (pause) await new Promise((resolve) => setTimeout(resolve, pause));
      }
      response.end();
      return;
    }
    if (request.method === 'GET' && path === '/broken') {
      response.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(10 * MB) });
      response.write(randomBytes(MB), () => setTimeout(() => response.destroy(), 50));
      return;
    }
    response.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: 404, code: 'NOPE' }));
  }
}

/** An upload of `size` bytes produced chunk by chunk, never held whole; `digest` is its sha256. */
function generatedUpload(size: number) {
  const hash = createHash('sha256');
  const chunk = randomBytes(64 * 1024);
  let sent = 0;
  async function* body() {
    while (sent < size) {
      const part = chunk.subarray(0, Math.min(chunk.length, size - sent));
      hash.update(part);
      sent += part.length;
      yield part;
    }
  }
  return { body, digest: () => hash.digest('hex'), sent: () => sent };
}

/**
 * A raw HTTP/1.1 request, so that a test can send a body of any size, chunked or with a declared
 * length, and still read an answer the gateway gives before the upload ends.
 */
function rawUpload(url: string, body: AsyncIterable<Buffer>, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown>; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { authorization: 'Bearer supervisor', ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (part) => (text += part));
      response.on('end', () => resolve({ status: response.statusCode!, json: JSON.parse(text), headers: response.headers }));
    });
    request.on('error', reject);
    void (async () => {
      try {
        for await (const part of body) if (!request.write(part)) await once(request, 'drain');
        request.end();
      } catch {
        // the gateway cut the connection after answering
      }
    })();
  });
}

/** A port nothing listens on (fetch refuses port 1 itself, before connecting). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('gateway: files stream through, both ways', () => {
  const service = new StandInService();
  let gateway: GatewayUnderTest;
  const auth = { authorization: 'Bearer supervisor' };

  beforeAll(async () => {
    await service.start();
    gateway = await startGateway({ MARKETING_URL: service.url, UPSTREAM_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    await gateway?.app.close();
    await service.stop();
  });

  it('forwards an upload byte for byte with its content type, and answers JSON as before', async () => {
    const bytes = randomBytes(5 * MB);
    const response = await fetch(`${gateway.url}/upload`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv; charset=utf-8' }, body: bytes });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    expect(await response.json()).toEqual({ bytes: bytes.length, sha256 });
    expect(service.received.at(-1)).toMatchObject({ contentType: 'text/csv; charset=utf-8', bytes: bytes.length, complete: true });

    const octets = await fetch(`${gateway.url}/upload`, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: 'PK\u0003\u0004abc' });
    expect(await octets.json()).toMatchObject({ bytes: 7 });
  });

  it('passes back a service’s early refusal of an upload it did not read', async () => {
    const response = await fetch(`${gateway.url}/refuse`, { method: 'POST', headers: { ...auth, 'content-type': XLSX }, body: randomBytes(5 * MB) });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toEqual({ status: 403, code: 'AUTH.FORBIDDEN' });
  });

  it('keeps JSON requests and answers as they were: parsed, re-sent as JSON, Location passed back', async () => {
    const response = await fetch(`${gateway.url}/json`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: '华东', n: 1 }) });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/api/v1/opportunities/1');
    expect(await response.json()).toEqual({ got: { name: '华东', n: 1 }, type: 'application/json' });
  });

  it('refuses an upload over the limit with 413 problem+json, declared or counted, and never passes it on whole', async () => {
    const before = service.received.length;
    const declared = generatedUpload(UPLOAD_LIMIT_BYTES + MB);
    const refused = await rawUpload(`${gateway.url}/upload`, declared.body(), { 'content-type': XLSX, 'content-length': String(UPLOAD_LIMIT_BYTES + MB) });
    expect(refused.status).toBe(413);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json).toMatchObject({ status: 413, code: 'GATEWAY.UPLOAD_TOO_LARGE' });
    expect(service.received.length).toBe(before); // never forwarded

    const chunked = generatedUpload(UPLOAD_LIMIT_BYTES + MB);
    const counted = await rawUpload(`${gateway.url}/upload`, chunked.body(), { 'content-type': 'text/csv' });
    expect(counted.status).toBe(413);
    expect(counted.json).toMatchObject({ code: 'GATEWAY.UPLOAD_TOO_LARGE' });
    const broken = service.received.slice(before);
    expect(broken.every((seen) => !seen.complete && seen.bytes <= UPLOAD_LIMIT_BYTES)).toBe(true);
  });

  it('streams a 30 MB upload at the service’s pace without holding it: a paused service pauses the client, the gateway holds little', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const live = () => {
      gc();
      const usage = process.memoryUsage();
      return usage.heapUsed + usage.arrayBuffers;
    };
    const baseline = live();
    const upload = generatedUpload(30 * MB);
    const answer = rawUpload(`${gateway.url}/upload?hold=1`, upload.body(), { 'content-type': 'text/csv' });
    // Wait until the client cannot hand over more: socket buffers are full, nobody reads ahead.
    let sent = -1;
    while (sent !== upload.sent()) {
      sent = upload.sent();
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const held = live() - baseline;
    service.go();
    expect((await answer).json).toEqual({ bytes: 30 * MB, sha256: upload.digest() });
    console.log(`[gateway] 30 MB upload to a paused service: the client got ${(sent / MB).toFixed(1)} MB out (socket buffers), the process held ${held > 0 ? `${(held / MB).toFixed(1)} MB` : 'nothing'} more than before`);
    expect(sent).toBeLessThan(25 * MB); // not the whole file: kernel socket buffers hold the rest
    expect(held).toBeLessThan(10 * MB);
  });

  it('streams a download back as it comes, with content-disposition and content-length', async () => {
    const response = await fetch(`${gateway.url}/export?hold=1`, { headers: auth });
    // The headers and the first chunk are here while the service still holds the rest back.
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(XLSX);
    expect(response.headers.get('content-length')).toBe(String(service.download.length));
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="c.xlsx"; filename*=UTF-8''%E5%AE%A2.xlsx`);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.value!.length).toBeGreaterThan(0);
    service.go();
    const hash = createHash('sha256').update(first.value!);
    let total = first.value!.length;
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      hash.update(part.value);
      total += part.value.length;
    }
    expect(total).toBe(service.download.length);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(service.download).digest('hex'));
  });

  it('lets a slow download take longer than the timeout as long as it moves, and 504s an upload nobody answers', async () => {
    const slow = await fetch(`${gateway.url}/export?pauseMs=20`, { headers: auth }); // ~80 chunks: longer than 1 s in all
    expect(Buffer.from(await slow.arrayBuffer()).length).toBe(service.download.length);
    const silent = await fetch(`${gateway.url}/silent`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: 'a,b\n' });
    expect(silent.status).toBe(504);
    expect(await silent.json()).toMatchObject({ code: 'GATEWAY.UPSTREAM_TIMEOUT' });
  });

  it('lets a slow upload take longer than the timeout as long as it moves', async () => {
    const part = randomBytes(16 * 1024);
    async function* trickle() {
      for (let i = 0; i < 8; i++) {
        yield part;
        await new Promise((resolve) => setTimeout(resolve, 200)); // 1.6 s in all, the timeout is 1 s
      }
    }
    const answer = await rawUpload(`${gateway.url}/upload`, trickle(), { 'content-type': 'text/csv' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ bytes: 8 * part.length });
  });

  it('breaks the client’s download when the service breaks off mid-file (never a short file that looks whole)', async () => {
    const response = await fetch(`${gateway.url}/broken`, { headers: auth });
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow();
  });

  it('retries an upload on the next replica when the connection was refused before anything was read', async () => {
    const closed = await closedPort();
    const twoReplicas = await startGateway({ MARKETING_URL: `http://127.0.0.1:${closed},${service.url}` });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const response = await fetch(`${twoReplicas.url}/upload`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: 'a,b\n1,2\n' });
        expect(await response.json()).toMatchObject({ bytes: 8 });
      }
      const down = await startGateway({ MARKETING_URL: `http://127.0.0.1:${closed}` });
      try {
        const response = await fetch(`${down.url}/upload`, { method: 'POST', headers: { ...auth, 'content-type': 'text/csv' }, body: 'a,b\n' });
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({ code: 'GATEWAY.UPSTREAM_UNAVAILABLE' });
      } finally {
        await down.app.close();
      }
    } finally {
      await twoReplicas.app.close();
    }
  });
});
