/** In Actions, guests pending this many days or more are flagged unless --warn-pending-over says otherwise. */
export const DEFAULT_WARN_PENDING_DAYS = 14;
