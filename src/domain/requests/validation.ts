import { ValidationError } from '../errors.js';

export const maxNameLength = 120;
export const maxReasonLength = 1000;
export const maxTargets = 1000;

/**
 * Local account names that macOS, Linux and Windows all accept: a letter or underscore, then up
 * to 31 letters, digits, dots, underscores or hyphens, not ending in a dot.
 */
const accountNamePattern = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;

/** Trims a required label and checks its length; `field` names the input field in the error. */
export function requireText(
  field: string,
  value: string | null | undefined,
  maxLength: number,
): string {
  const text = (value ?? '').trim();
  if (text.length === 0) throw new ValidationError(field, `${field} must not be empty.`);
  if (text.length > maxLength) {
    throw new ValidationError(
      field,
      `${field} is ${text.length} characters long; the maximum is ${maxLength}.`,
    );
  }
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) {
    throw new ValidationError(field, `${field} contains control characters; remove them.`);
  }
  return text;
}

/** Trims an optional reason; an empty string counts as absent. */
export function optionalText(
  field: string,
  value: string | null | undefined,
  maxLength: number,
): string | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  return requireText(field, value, maxLength);
}

export function requireAccountName(field: string, value: string | null | undefined): string {
  const name = (value ?? '').trim();
  if (!accountNamePattern.test(name) || name.endsWith('.')) {
    throw new ValidationError(
      field,
      `User account name '${truncate(name)}' is not a valid local account name: use 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or '_'.`,
    );
  }
  return name;
}

export interface DurationBounds {
  minDurationSeconds: number;
  maxDurationSeconds: number;
}

export function requireDuration(field: string, seconds: number, bounds: DurationBounds): number {
  if (
    !Number.isInteger(seconds) ||
    seconds < bounds.minDurationSeconds ||
    seconds > bounds.maxDurationSeconds
  ) {
    throw new ValidationError(
      field,
      `Duration ${seconds} s is outside the allowed range of ${bounds.minDurationSeconds} to ${bounds.maxDurationSeconds} seconds.`,
    );
  }
  return seconds;
}

/** Checks a Scheduled start: present, later than `now`. The DateTime scalar already demands an offset. */
export function requireFutureStart(field: string, start: Date | null | undefined, now: Date): Date {
  if (!start) {
    throw new ValidationError(field, `${field} is required when durationType is SCHEDULED.`);
  }
  if (start.getTime() <= now.getTime()) {
    throw new ValidationError(
      field,
      `Start time ${start.toISOString()} is in the past; choose a time after ${now.toISOString()}.`,
    );
  }
  return start;
}

export function truncate(text: string, length = 40): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}
