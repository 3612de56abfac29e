/**
 * Reads `values[index]`, throwing instead of yielding `undefined`: index arithmetic on order
 * statistics is where off-by-one errors hide, so an out-of-range read must not pass silently.
 * @throws RangeError when `index` is outside `[0, values.length)`.
 */
export function elementAt(values: ArrayLike<number>, index: number): number {
  const value = values[index];
  if (value === undefined || !Number.isInteger(index) || index < 0) {
    throw new RangeError(`index ${index} is outside [0, ${values.length})`);
  }
  return value;
}
