/**
 * Profile stage (pure): one model for every profiler's output (src/profile/model.ts), conversions to
 * and from speedscope's file format and folded stacks, V8's CPU profiles (`.cpuprofile`) read, paths
 * made relative to the checkout, and the hot-function summaries and differential table the report
 * shows. No I/O: adapters read and write the files.
 */
export * from './model.js';
export { fromSpeedscope, toSpeedscope, ProfileFormatError, SPEEDSCOPE_SCHEMA } from './speedscope.js';
export { fromFolded, toFolded } from './folded.js';
export { fromCpuProfile, type CpuProfileOptions } from './cpuprofile.js';
export { relativizeFrames } from './relativize.js';
export { diffFunctions, estimateDispersion, summarizeFunctions } from './hot-functions.js';
export type { DiffOptions, Dispersion, FunctionChange, FunctionShare } from './hot-functions.js';
export { flameGraphSvg, differentialFlameGraphSvg, type FlameGraphOptions } from './flame-graph.js';
export {
  callGraphToProfile,
  mergeCallGraphs,
  type CallGraphFunction,
  type CallGraphKey,
  type CallGraphOptions,
  type CallGraphTimes,
} from './call-graph.js';
export { allocationGrowthToProfile, type AllocationGrowth } from './allocations.js';
