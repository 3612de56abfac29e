/**
 * Input checks shared by the statistics: a bad sample is a programming error upstream (a NaN from a
 * failed measurement, an empty side), so it is rejected loudly instead of producing a quiet NaN.
 */

/**
 * Throws unless `values` has at least `minLength` elements, all finite.
 * @param label the calling function's name, for the message.
 * @throws RangeError naming the function, the offending index and value, or the length.
 */
export function assertFiniteSample(values: readonly number[], label: string, minLength = 1): void {
  if (values.length < minLength) {
    throw new RangeError(`${label}: needs at least ${minLength} value(s), got ${values.length}`);
  }
  values.forEach((value, index) => {
    if (!Number.isFinite(value))
      throw new RangeError(`${label}: value at index ${index} is ${value}, expected a finite number`);
  });
}

/**
 * Throws unless `level` is a confidence level strictly between 0 and 1 (0.95 for 95%).
 * @throws RangeError naming the function and the value received.
 */
export function assertConfidenceLevel(level: number, label: string): void {
  if (!(level > 0 && level < 1))
    throw new RangeError(`${label}: confidence level must be in (0, 1), got ${level}`);
}
