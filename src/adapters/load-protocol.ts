/**
 * Messages between perfgate and its load generator process (src/adapters/load-process.ts and
 * src/adapters/load-worker.ts), sent as JSON over Node's IPC channel.
 */
import type { LoadResult, LoadSpec } from '../ports.js';

/** perfgate → load process: run one load. `spec` is a LoadSpec without its signal. */
export interface LoadRequest {
  readonly kind: 'run';
  /** Tells the replies of successive loads apart. */
  readonly id: number;
  readonly spec: Omit<LoadSpec, 'signal'>;
}

/** Load process → perfgate. */
export type LoadReply =
  /** The process is up and listening for requests. */
  | { readonly kind: 'ready' }
  | { readonly kind: 'done'; readonly id: number; readonly result: LoadResult }
  /** The load could not run: the RunError's message and hint. */
  | { readonly kind: 'failed'; readonly id: number; readonly message: string; readonly hint: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** True when `message` is a {@link LoadRequest} (anything else on the channel is ignored). */
export function isLoadRequest(message: unknown): message is LoadRequest {
  return (
    isRecord(message) && message.kind === 'run' && typeof message.id === 'number' && isRecord(message.spec)
  );
}

/** True when `message` is a {@link LoadReply}. */
export function isLoadReply(message: unknown): message is LoadReply {
  if (!isRecord(message)) return false;
  if (message.kind === 'ready') return true;
  if (typeof message.id !== 'number') return false;
  if (message.kind === 'done') return isRecord(message.result);
  return message.kind === 'failed' && typeof message.message === 'string' && typeof message.hint === 'string';
}
