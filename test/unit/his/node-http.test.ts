import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nodeHttpFetch } from '../../../server/adapters/his/node-http';

describe('HIS transport HTTP client (node:http, keep-alive)', () => {
  let server: Server;
  let base: string;
  let connections = 0;
  const seen: { method?: string; headers: Record<string, unknown>; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, headers: req.headers, body });
        if (req.url === '/slow') {
          setTimeout(() => res.end('late'), 500);
          return;
        }
        if (req.url === '/cut') {
          // Headers and part of the body, then the connection dies.
          res.writeHead(200, { 'Content-Length': '100' });
          res.write('{"partial":');
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        }
        res.writeHead(req.url === '/down' ? 503 : 200, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ echo: body, note: '医院' }));
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const post = (path: string, body: string, signal = new AbortController().signal) =>
    nodeHttpFetch(`${base}${path}`, { method: 'POST', headers: { 'X-Test': 'yes' }, body, signal });

  it('posts the body with its headers and a byte Content-Length, and returns status and UTF-8 text', async () => {
    const res = await post('/ok', '{"name":"张三"}');
    expect(res.status).toBe(200);
    expect(JSON.parse(await res.text())).toEqual({ echo: '{"name":"张三"}', note: '医院' });
    const last = seen.at(-1)!;
    expect(last.method).toBe('POST');
    expect(last.headers['x-test']).toBe('yes');
    expect(last.headers['content-length']).toBe(String(Buffer.byteLength('{"name":"张三"}')));
  });

  it('returns non-2xx answers as they are (the transport decides)', async () => {
    const res = await post('/down', '{}');
    expect(res.status).toBe(503);
  });

  it('keeps the connection for the next call', async () => {
    await post('/ok', '1');
    const before = connections;
    await post('/ok', '2');
    await post('/ok', '3');
    expect(connections).toBe(before);
  });

  it('rejects when the signal aborts (the transport maps it to TIMEOUT)', async () => {
    const controller = new AbortController();
    const pending = post('/slow', '{}', controller.signal);
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toThrow(/abort/i);
  });

  it('rejects when the connection dies in the middle of the body', async () => {
    await expect(post('/cut', '{}')).rejects.toThrow();
  });

  it('rejects when the signal aborts after the headers arrived', async () => {
    const controller = new AbortController();
    const pending = post('/cut', '{}', controller.signal);
    setTimeout(() => controller.abort(), 5);
    await expect(pending).rejects.toThrow();
  });

  it('rejects on a refused connection', async () => {
    await expect(
      nodeHttpFetch('http://127.0.0.1:1/x', {
        method: 'POST',
        headers: {},
        body: '',
        signal: new AbortController().signal,
      }),
    ).rejects.toThrow();
  });
});
