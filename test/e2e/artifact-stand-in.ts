// A loopback stand-in for the runner's artifact service (v2 artifacts): the twirp ArtifactService that
// @actions/artifact calls at ACTIONS_RESULTS_URL, and the Azure blob store its signed URLs point at
// (block uploads, block-list commit, download). Wire shapes: /work/shared/ENVIRONMENT.md
// ("GitHub's JavaScript-action runtime").
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** One request as received. */
export interface ArtifactStandInRequest {
  method: string;
  /** Path and query, e.g. `/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact`. */
  path: string;
  /** The twirp method name for twirp calls, else undefined. */
  twirp: string | undefined;
  /** The status the stand-in answered. */
  status: number;
}

/** A finalized artifact. */
export interface StoredArtifact {
  id: number;
  name: string;
  /** Run and job backend ids as sent by the client (from the runtime token's `scp` claim). */
  runBackendId: string;
  jobBackendId: string;
  /** ISO time, or undefined when the client sent none (repository default retention). */
  expiresAt: string | undefined;
  /** The committed zip. */
  zip: Buffer;
  /** `sha256:<hex>` the client sent with FinalizeArtifact. */
  hash: string | undefined;
}

export interface ArtifactStandIn {
  /** `http://127.0.0.1:PORT/`: use as ACTIONS_RESULTS_URL. */
  readonly url: string;
  /** Every request, in order. */
  readonly requests: ArtifactStandInRequest[];
  /** Finalized artifacts, in order. */
  readonly artifacts: StoredArtifact[];
  /** When set, blob-store PUTs (block and block list) answer this status. */
  failBlobWritesWith: number | undefined;
  /** How many PUTs fail while `failBlobWritesWith` is set (counted down); undefined means all. */
  failBlobWritesCount: number | undefined;
  close(): Promise<void>;
}

/** The `scp` claim's backend ids the fake runtime token carries. */
export const RUN_BACKEND_ID = 'c1c1c1c1-0000-4000-8000-000000000001';
export const JOB_BACKEND_ID = 'c2c2c2c2-0000-4000-8000-000000000002';

/**
 * An ACTIONS_RUNTIME_TOKEN the client can parse: an unsigned JWT (the client never checks the
 * signature) whose `scp` claim holds `Actions.Results:<run>:<job>`.
 */
export function fakeRuntimeToken(): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const scp = `Actions.ExampleScope Actions.Results:${RUN_BACKEND_ID}:${JOB_BACKEND_ID}`;
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ scp, exp: 4_102_444_800 })}.sig`;
}

const TWIRP = /^\/twirp\/github\.actions\.results\.api\.v1\.ArtifactService\/(\w+)$/;
const BLOB = /^\/blob\/([^/]+)$/;

/** Starts the stand-in on 127.0.0.1 with a free port. Call `close()` when done. */
export async function startArtifactStandIn(): Promise<ArtifactStandIn> {
  const requests: ArtifactStandInRequest[] = [];
  const artifacts: StoredArtifact[] = [];
  // Created but not finalized, by name: their blocks and committed zip.
  const pending = new Map<string, { blocks: Map<string, Buffer>; zip?: Buffer; expiresAt?: string }>();
  let nextId = 7_000_001;

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const twirp = TWIRP.exec(url.pathname)?.[1];
      const status = twirp !== undefined ? answerTwirp(twirp, body, res) : answerBlob(req, url, body, res);
      requests.push({ method: req.method ?? '', path: url.pathname + url.search, twirp, status });
    });
  });

  function answerTwirp(method: string, body: Buffer, res: ServerResponse): number {
    const request = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    const name = typeof request.name === 'string' ? request.name : '';
    switch (method) {
      case 'CreateArtifact': {
        if (artifacts.some((artifact) => artifact.name === name)) {
          return twirpError(res, 409, 'already_exists', `an artifact named ${name} already exists`);
        }
        pending.set(name, {
          blocks: new Map(),
          ...(typeof request.expires_at === 'string' ? { expiresAt: request.expires_at } : {}),
        });
        return sendJson(res, 200, {
          ok: true,
          signed_upload_url: `${standIn.url}blob/${encodeURIComponent(name)}?sig=fake`,
        });
      }
      case 'FinalizeArtifact': {
        const upload = pending.get(name);
        if (upload?.zip === undefined)
          return twirpError(res, 404, 'not_found', `no uploaded artifact ${name}`);
        pending.delete(name);
        const artifact: StoredArtifact = {
          id: nextId++,
          name,
          runBackendId: String(request.workflow_run_backend_id),
          jobBackendId: String(request.workflow_job_run_backend_id),
          expiresAt: upload.expiresAt,
          zip: upload.zip,
          hash: typeof request.hash === 'string' ? request.hash : undefined,
        };
        artifacts.push(artifact);
        return sendJson(res, 200, { ok: true, artifact_id: String(artifact.id) });
      }
      case 'ListArtifacts': {
        const byName = typeof request.name_filter === 'string' ? request.name_filter : undefined;
        const byId = typeof request.id_filter === 'string' ? Number(request.id_filter) : undefined;
        const listed = artifacts
          .filter((a) => (byName === undefined || a.name === byName) && (byId === undefined || a.id === byId))
          .map((a) => ({
            workflow_run_backend_id: a.runBackendId,
            workflow_job_run_backend_id: a.jobBackendId,
            database_id: String(a.id),
            name: a.name,
            size: String(a.zip.length),
            created_at: '2026-12-02T10:00:00Z',
            digest: `sha256:${createHash('sha256').update(a.zip).digest('hex')}`,
          }));
        return sendJson(res, 200, { artifacts: listed });
      }
      case 'GetSignedArtifactURL': {
        if (!artifacts.some((a) => a.name === name))
          return twirpError(res, 404, 'not_found', `no artifact ${name}`);
        return sendJson(res, 200, {
          signed_url: `${standIn.url}blob/${encodeURIComponent(name)}?sig=fake-read`,
        });
      }
      default:
        return twirpError(res, 404, 'bad_route', `no handler for ${method}`);
    }
  }

  function answerBlob(req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): number {
    const name = decodeURIComponent(BLOB.exec(url.pathname)?.[1] ?? '');
    if (req.method === 'GET') {
      const artifact = artifacts.find((a) => a.name === name);
      if (artifact === undefined) return sendBlob(res, 404);
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': artifact.zip.length });
      res.end(artifact.zip);
      return 200;
    }
    const upload = pending.get(name);
    if (req.method !== 'PUT' || upload === undefined) return sendBlob(res, 404);
    if (standIn.failBlobWritesWith !== undefined && (standIn.failBlobWritesCount ?? 1) > 0) {
      if (standIn.failBlobWritesCount !== undefined) standIn.failBlobWritesCount -= 1;
      return sendBlob(res, standIn.failBlobWritesWith);
    }
    const comp = url.searchParams.get('comp');
    if (comp === 'block') {
      upload.blocks.set(url.searchParams.get('blockid') ?? '', body);
      return sendBlob(res, 201);
    }
    if (comp === 'blocklist') {
      const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map(
        (match) => match[1] ?? '',
      );
      upload.zip = Buffer.concat(ids.map((id) => upload.blocks.get(id) ?? Buffer.alloc(0)));
      return sendBlob(res, 201);
    }
    upload.zip = body; // a single-shot PUT (x-ms-blob-type: BlockBlob)
    return sendBlob(res, 201);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the stand-in is not listening on TCP');

  const standIn: ArtifactStandIn = {
    url: `http://127.0.0.1:${address.port}/`,
    requests,
    artifacts,
    failBlobWritesWith: undefined,
    failBlobWritesCount: undefined,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
  return standIn;
}

function sendJson(res: ServerResponse, status: number, json: unknown): number {
  const text = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
  return status;
}

/** Twirp's error shape; always JSON (a non-JSON body makes the client retry five times). */
function twirpError(res: ServerResponse, status: number, code: string, msg: string): number {
  return sendJson(res, status, { code, msg });
}

/** An Azure blob answer: empty body, the request id header the SDK reads. */
function sendBlob(res: ServerResponse, status: number): number {
  res.writeHead(status, {
    'x-ms-request-id': `req-${Date.now()}`,
    'x-ms-version': '2025-01-05',
    'content-length': 0,
  });
  res.end();
  return status;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}
