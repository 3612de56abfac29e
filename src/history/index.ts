/**
 * History and stored baselines: history.json (one entry per default-branch run), and report.json
 * read back as a stored baseline. Pure: text in, values out; the store, artifacts and REST lookups
 * live in adapters. Contract: issue 11.
 */
export { HISTORY_SCHEMA_VERSION, type History, type HistoryEntry, type HistoryPoint } from './model.js';
export {
  appendEntry,
  DEFAULT_HISTORY_LIMIT,
  DEFAULT_HISTORY_MAX_BYTES,
  historyEntryFromReport,
  historySchema,
  parseHistory,
  renderHistory,
  type ParseHistoryOptions,
  type RunFacts,
} from './history-file.js';
export { HistoryFormatError } from './history-format-error.js';
export { reportSchema } from './report-schema.js';
export {
  assertBaselineUsable,
  baselineTrials,
  compareRunners,
  DEFAULT_REPORT_MAX_BYTES,
  describeBaseline,
  parseBaselineFile,
  parseReportFile,
  ReportFileError,
  type BaselineDescription,
  type ParseReportFileOptions,
  type ReportFileProblem,
} from './report-file.js';
export { readBaseline, type BaselineFiles, type StoredComparison } from './read-baseline.js';
export {
  describeChangePoint,
  findChangePoints,
  newChangePoints,
  type MetricChangePoint,
} from './change-points.js';
export {
  bestEnergySplit,
  eDivisive,
  E_DIVISIVE_DEFAULTS,
  type EDivisiveChangePoint,
  type EDivisiveOptions,
} from './e-divisive.js';
export {
  DEFAULT_GAB_MAX_BYTES,
  exportGab,
  importGab,
  type ExportGabOptions,
  type ImportGabOptions,
} from './gab.js';
