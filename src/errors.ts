/**
 * Typed errors with stable codes. Codes are part of guestops' interface: tests, CI annotations
 * and users' scripts match on them, so a code never changes meaning once released.
 */
export class GuestopsError extends Error {
  readonly code: string;
  /** Extra machine-readable detail (never a secret). */
  readonly detail: Record<string, unknown> | undefined;

  constructor(code: string, message: string, detail?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GuestopsError';
    this.code = code;
    this.detail = detail;
  }
}

export function isGuestopsError(e: unknown): e is GuestopsError {
  return e instanceof GuestopsError;
}
