/**
 * The emulator's HTTP server (node:http, loopback only): one pipeline for every Graph request —
 * fault rules, authentication, throttling, the handler, the request log — shared by top-level
 * requests and the inner requests of `$batch`. The control plane lives under `/_emulator`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { authenticate } from './auth.js';
import { DropConnection, parseBatch, runBatch, type InnerRequest } from './batch.js';
import { Query, type GraphResponse, type HandlerContext } from './context.js';
import { handleControl } from './control.js';
import type { ControlTarget } from './control-target.js';
import { FaultTable, faultCode, faultHeaders, type FaultDecision } from './faults.js';
import { GraphError, errorBody, segmentNotFound } from './graph-error.js';
import { RequestLog, redactBody, type RequestLogEntry } from './request-log.js';
import { route } from './router.js';
import { DEFAULT_CONSISTENCY, type Clock, type ConsistencySettings } from './replication.js';
import type { Seed } from './seed.js';
import { Tenant } from './tenant.js';
import { Throttle, type ThrottleOptions } from './throttle.js';
import { LatencyInjector, type LatencyModel } from './latency.js';

export interface ServerOptions {
  readonly seed: Seed;
  readonly port: number;
  readonly throttle: false | ThrottleOptions;
  readonly onRequest: ((entry: RequestLogEntry) => void) | undefined;
  /** The latency model (latency.ts); undefined: answer as fast as loopback allows. */
  readonly latency?: LatencyModel | undefined;
  /** Overrides of the seed's replication settings (replication.ts). */
  readonly consistency: Partial<ConsistencySettings>;
  /** Clock replication lag is measured on (tests inject one); default performance.now. */
  readonly clock: Clock | undefined;
}

/** Requests larger than this are refused (Graph's own limit for JSON payloads is 4 MB). */
const MAX_BODY = 4 * 1024 * 1024;

type Outcome = { response: GraphResponse & { requestId: string }; drop?: false } | { drop: true };

export class EmulatorServer implements ControlTarget {
  readonly tenant: Tenant;
  readonly log = new RequestLog();
  readonly faults = new FaultTable();
  readonly throttle: Throttle | undefined;
  latency: LatencyInjector | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Connections that have carried a Graph request (weak: a closed socket just falls out). */
  private readonly graphSockets = new WeakSet<Socket>();
  origin = '';

  constructor(private readonly options: ServerOptions) {
    const { seed } = options;
    const settings: ConsistencySettings = {
      replicationLagMs: options.consistency.replicationLagMs ?? seed.replicationLagMs ?? DEFAULT_CONSISTENCY.replicationLagMs,
      changeTimeRule: options.consistency.changeTimeRule ?? seed.changeTimeRule ?? DEFAULT_CONSISTENCY.changeTimeRule,
    };
    this.tenant = new Tenant(seed, settings, options.clock);
    this.throttle = options.throttle === false ? undefined : new Throttle(options.throttle, this.tenant.tenantId, () => this.tenant.size);
    this.latency = options.latency ? new LatencyInjector(options.latency) : undefined;
  }

  async listen(): Promise<string> {
    const server = createServer((req, res) => {
      this.onHttp(req, res).catch((e: unknown) => {
        // A bug in the emulator must be visible, not a hung client.
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify(errorBody('InternalServerError', `emulator error: ${(e as Error).message}`, randomUUID(), '')));
        } else res.destroy();
      });
    });
    server.keepAliveTimeout = 5_000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
    return this.origin;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private async onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const rawQuery = q === -1 ? '' : rawUrl.slice(q + 1);
    const body = await readBody(req);
    if (body === undefined) {
      res.writeHead(413, { 'content-type': 'application/json' });
      res.end(JSON.stringify(errorBody('RequestEntityTooLarge', 'The request body is too large.', randomUUID(), '')));
      return;
    }
    if (path === '/_emulator' || path.startsWith('/_emulator/')) {
      const r = handleControl(this, req.method ?? 'GET', path, rawQuery, body);
      send(res, r.status, { 'content-type': 'application/json' }, r.body === undefined ? undefined : JSON.stringify(r.body));
      return;
    }
    // Whether this is the first Graph request on its connection (the latency model's connect cost);
    // control-plane requests do not count, so a test's own setup calls cannot pre-pay it.
    const newConnection = !this.graphSockets.has(req.socket);
    this.graphSockets.add(req.socket);
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    const outcome = await this.execute({ method: (req.method ?? 'GET').toUpperCase(), path, rawQuery, headers, bodyText: body }, undefined);
    if (outcome.drop) {
      res.socket?.destroy();
      return;
    }
    const r = outcome.response;
    // The latency model (latency.ts) delays top-level answers only; a $batch pays for its inner requests.
    if (this.latency) await sleep(this.latency.delayMs(req.method ?? 'GET', rawUrl, path, r.body, newConnection));
    const h: Record<string, string> = { ...(r.headers ?? {}) };
    let payload: string | undefined;
    if (r.body !== undefined) {
      h['content-type'] = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
      payload = JSON.stringify(r.body);
    } else if (r.text !== undefined) {
      h['content-type'] = 'text/plain';
      payload = r.text;
    }
    send(res, r.status, h, payload);
  }

  /** The pipeline: every Graph request, top-level or inside `$batch`. */
  private async execute(req: InnerRequest, batch: { parentSeq: number; id: string } | undefined): Promise<Outcome> {
    const seq = this.log.nextSeq();
    const requestId = randomUUID();
    const clientRequestId = req.headers['client-request-id'] ?? requestId;
    const decision = this.faults.match(req.method, req.path);
    const rule = decision?.rule;
    if (rule?.latencyMs) await sleep(rule.latencyMs);
    const phase = rule?.phase ?? 'before';
    let response: GraphResponse;
    let handledStatus: number | undefined;
    let dropped = false;
    const faultEffect: 'status' | 'drop' | 'latency' | undefined = rule ? (rule.drop ? 'drop' : rule.status ? 'status' : 'latency') : undefined;
    if (rule && phase === 'before' && (rule.drop || rule.status)) {
      dropped = rule.drop === true;
      response = dropped ? { status: 0 } : faultResponse(decision);
    } else {
      response = await this.handle(req, seq, requestId, clientRequestId);
      // A $batch whose inner request was dropped loses its own connection too.
      if (response.status === 0) dropped = true;
      if (rule && phase === 'after' && (rule.drop || rule.status)) {
        handledStatus = response.status;
        dropped = rule.drop === true;
        response = dropped ? { status: 0 } : faultResponse(decision);
      }
    }
    if (response.status >= 400 && response.body === undefined && !dropped) {
      response = { ...response, body: errorBody('UnknownError', `HTTP ${response.status}`, requestId, clientRequestId) };
    }
    // Graph puts the request-id in every error body's innerError.
    const body = response.body as { error?: { innerError?: Record<string, string> } } | undefined;
    if (body?.error?.innerError) {
      body.error.innerError['request-id'] = requestId;
      body.error.innerError['client-request-id'] = clientRequestId;
    }
    const headers = { ...(response.headers ?? {}), 'request-id': requestId, 'client-request-id': clientRequestId };
    const entry: RequestLogEntry = {
      seq,
      time: new Date().toISOString(),
      method: req.method,
      path: safeDecodePath(req.path),
      query: req.rawQuery,
      status: dropped ? 0 : response.status,
      requestId,
      ...(req.bodyText !== undefined && req.bodyText !== '' ? { requestBody: redactBody(parseMaybeJson(req.bodyText)) } : {}),
      ...(batch ? { batch } : {}),
      ...(decision && faultEffect ? { fault: { rule: decision.index, phase, effect: faultEffect } } : {}),
      ...(handledStatus !== undefined ? { handledStatus } : {}),
    };
    this.log.add(entry);
    // Synchronously, before the answer is written: a crash test may kill the process here.
    this.options.onRequest?.(entry);
    if (dropped) {
      if (batch) throw new DropConnection();
      return { drop: true };
    }
    return { response: { ...response, headers, requestId } };
  }

  /** Authentication, routing, throttling and the handler; Graph errors become error responses. */
  private async handle(req: InnerRequest, seq: number, requestId: string, clientRequestId: string): Promise<GraphResponse> {
    try {
      const m = /^\/v1\.0(\/.*)?$/i.exec(req.path);
      if (!m) {
        const version = req.path.split('/')[1] ?? '';
        if (version.toLowerCase() === 'beta') throw new GraphError(400, 'BadRequest', 'The Graph emulator implements only v1.0.');
        throw segmentNotFound(version);
      }
      const caller = authenticate(req.headers['authorization'], this.tenant.tokens);
      const segments = (m[1] ?? '/').split('/').slice(1).map(safeDecode);
      if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
      const query = new Query(req.rawQuery);
      const r = route(req.method, segments, query.has('$select'));
      if (r.batch) {
        const items = parseBatch(req.bodyText);
        try {
          return await runBatch(items, req.headers, async (inner, id) => {
            if (/^\/v1\.0\/\$batch$/i.test(inner.path)) {
              return { status: 400, body: errorBody('BadRequest', 'A $batch request cannot contain another $batch request.', requestId, clientRequestId), requestId };
            }
            const out = await this.execute(inner, { parentSeq: seq, id });
            if (out.drop) throw new DropConnection();
            return out.response;
          });
        } catch (e) {
          if (e instanceof DropConnection) return { status: 0 };
          throw e;
        }
      }
      const ctx: HandlerContext = {
        tenant: this.tenant,
        caller,
        method: req.method,
        segments,
        path: req.path,
        query,
        headers: req.headers,
        bodyText: req.bodyText,
        origin: this.origin,
      };
      this.throttle?.charge(caller.appKey, r.cost);
      const res = r.run(ctx);
      if (r.cost.resourceUnits > 0) return { ...res, headers: { ...(res.headers ?? {}), 'x-ms-resource-unit': String(r.cost.resourceUnits) } };
      return res;
    } catch (e) {
      if (e instanceof GraphError) {
        return { status: e.status, headers: e.headers, body: errorBody(e.code, e.message, requestId, clientRequestId) };
      }
      throw e;
    }
  }

  /** Control plane access for tests. */
  get throttledCount(): number {
    return this.throttle?.throttled ?? 0;
  }
}

function faultResponse(decision: FaultDecision | undefined): GraphResponse {
  const rule = decision!.rule;
  const status = rule.status ?? 500;
  return {
    status,
    headers: faultHeaders(rule),
    body: errorBody(faultCode(rule), `Injected fault (rule ${decision!.index}).`, '', ''),
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function safeDecodePath(p: string): string {
  return p.split('/').map(safeDecode).join('/');
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooBig ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, payload: string | undefined): void {
  // Encoded once: measuring the string for content-length and then writing it encoded each page
  // of 999 users (about 1 MB) twice; the listing at 100,000 guests is 137 such pages.
  const bytes = payload === undefined ? undefined : Buffer.from(payload, 'utf8');
  if (bytes !== undefined) headers['content-length'] = String(bytes.length);
  res.writeHead(status, headers);
  res.end(bytes);
}
