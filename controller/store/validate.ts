import { InputError } from '../../kernel/errors.js';

/** Refuses a missing or blank string argument, naming the field and what it should be. */
export function requireText(value: unknown, field: string, should: string): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(`${field} must be ${should}`, [`${field}: got ${JSON.stringify(value)}`]);
  }
}

/** Refuses a number outside `min..` or (with `integer`) a fraction, naming the field and what it should be. */
export function requireNumber(value: number, field: string, should: string, options: { min: number; integer?: boolean; exclusiveMin?: boolean }): void {
  const belowMin = options.exclusiveMin ? !(value > options.min) : !(value >= options.min);
  if (!Number.isFinite(value) || belowMin || (options.integer && !Number.isInteger(value))) {
    throw new InputError(`${field} must be ${should}`, [`${field}: got ${value}`]);
  }
}
