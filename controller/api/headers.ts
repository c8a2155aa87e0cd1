/**
 * Sent with every answer of the API and the dashboard. The dashboard loads its script, styles and
 * data from its own origin only and runs no inline script, so a string that slipped into the page
 * could not run; no other site may frame it (clickjacking an approve button); browsers must not
 * guess content types; and no URL of a replica leaks to other sites in a Referer.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // For browsers that predate frame-ancestors.
  'x-frame-options': 'DENY',
};
