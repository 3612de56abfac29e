/** Reads the end of a log file, for error messages and reports. */
import { open, stat } from 'node:fs/promises';

/** Bytes read from the end of a log at most: enough for dozens of long lines, bounded for huge logs. */
const TAIL_BYTES = 64 * 1024;

/** Size of `file` in bytes, or 0 when it does not exist yet. */
export async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/**
 * The last `lines` lines of `file`, reading only what was written from byte `fromOffset` on (so a log
 * shared by several runs shows only the latest one) and at most the last 64 KiB. A trailing newline
 * does not count as an empty last line. Returns '' when the file is missing or empty.
 */
export async function readLogTail(file: string, lines: number, fromOffset = 0): Promise<string> {
  if (lines <= 0) return '';
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(fromOffset, size - TAIL_BYTES);
    if (size <= start) return '';
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8').replace(/\n$/, '');
    const all = text.split('\n');
    // When the read began mid-file, its first line is probably cut: drop it unless it is all we have.
    const whole = start > fromOffset && all.length > 1 ? all.slice(1) : all;
    return whole.slice(-lines).join('\n');
  } finally {
    await handle.close();
  }
}
