/** A short, stable fingerprint of a Config, so results measured under different configs are not mixed. */
import type { Config } from './types.js';

// FNV-1a, 64-bit (Fowler, Noll, Vo; http://www.isthe.com/chongo/tech/comp/fnv/): tiny, pure and
// well spread; this is a fingerprint for equality, not a defence against crafted collisions.
const FNV_OFFSET_BASIS = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = (1n << 64n) - 1n;

/**
 * JSON with every object's keys sorted (arrays keep their order, `undefined` members are left out), so
 * equal values give equal text whatever order their keys were written in.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * FNV-1a, 64-bit, over the UTF-8 bytes of `text`.
 * @returns 16 lowercase hex digits.
 * @example fnv1a64Hex('a') // 'af63dc4c8601ec8c'
 */
export function fnv1a64Hex(text: string): string {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of new TextEncoder().encode(text)) {
    hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & MASK_64;
  }
  return hash.toString(16).padStart(16, '0');
}

/**
 * Fingerprints a validated config: FNV-1a 64 over its canonical JSON.
 *
 * Key order (of env, headers, or anything else) does not change it; any value that changes the
 * measurement does, including the order of `build` steps and `http` scenarios.
 *
 * @returns 16 lowercase hex digits.
 */
export function hashConfig(config: Config): string {
  return fnv1a64Hex(canonicalJson(config));
}
