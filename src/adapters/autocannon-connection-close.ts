/**
 * Recognizes a response that ends its connection. autocannon's client emits `headers` with the
 * http-parser-js info object (`{ versionMajor, versionMinor, headers: [name, value, ...], statusCode }`),
 * not Node's header map that @types/autocannon declares, so the argument is parsed from `unknown`.
 */

/** The part of http-parser-js's headers info we read. */
interface ParsedHeadersInfo {
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly headers: readonly unknown[];
}

function isParsedHeadersInfo(value: unknown): value is ParsedHeadersInfo {
  if (typeof value !== 'object' || value === null) return false;
  return (
    'versionMajor' in value &&
    typeof value.versionMajor === 'number' &&
    'versionMinor' in value &&
    typeof value.versionMinor === 'number' &&
    'headers' in value &&
    Array.isArray(value.headers)
  );
}

/** Lower-cased tokens of every `Connection` header in a flat `[name, value, name, value...]` list. */
function connectionTokens(headers: readonly unknown[]): string[] {
  const tokens: string[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i];
    const value = headers[i + 1];
    if (typeof name !== 'string' || typeof value !== 'string') continue;
    if (name.toLowerCase() !== 'connection') continue;
    for (const token of value.split(',')) tokens.push(token.trim().toLowerCase());
  }
  return tokens;
}

/**
 * True when a response tells the client the connection will not be reused: `Connection: close` on
 * HTTP/1.1, or HTTP/1.0 without `Connection: keep-alive` (Python's BaseHTTPRequestHandler default).
 * Such servers make autocannon reconnect after every response, which inflates its latencies and
 * counts resets as errors (RFC 9112 §9.3 and §9.6 define the persistence rules).
 *
 * @param headersInfo the argument of an autocannon client's `headers` event; anything else gives false.
 */
export function closesConnection(headersInfo: unknown): boolean {
  if (!isParsedHeadersInfo(headersInfo)) return false;
  const tokens = connectionTokens(headersInfo.headers);
  if (tokens.includes('close')) return true;
  const isHttp10OrOlder =
    headersInfo.versionMajor < 1 || (headersInfo.versionMajor === 1 && headersInfo.versionMinor === 0);
  return isHttp10OrOlder && !tokens.includes('keep-alive');
}
