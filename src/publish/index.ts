/**
 * Publish: emits a finished report through the ports (outputs, job summary, sticky pull-request
 * comment). Decisions here are small and testable with in-memory ports; the I/O behind the ports is in
 * src/adapters. Measurements are already on disk when this stage runs, so nothing here can lose one.
 */
export { commentMarker } from './comment-marker.js';
export { CommentPermissionError } from './comment-permission-error.js';
export { publishReport } from './publish-report.js';
export type { CommentPolicy, PublishDeps, PublishOptions } from './publish-report.js';
export { sizeIn, truncateMarkdown } from './truncate-markdown.js';
export type { SizeLimit } from './truncate-markdown.js';
export { configKey, resultsFolderName } from './config-key.js';
