/**
 * Whole seconds an account stayed elevated past its planned end, 0 when it was lowered in time.
 * Fractions are dropped, so network latency of a lower sent at the deadline never counts.
 */
export function overrunSeconds(plannedEnd: Date, loweredAt: Date): number {
  return Math.max(0, Math.floor((loweredAt.getTime() - plannedEnd.getTime()) / 1000));
}
