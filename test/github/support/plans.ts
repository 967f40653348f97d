/** Hand-built plans for the publishing tests (the planner has its own tests). */
import type { Plan } from '../../../src/plan/types.js';

const invitation = { redirectUrl: 'https://myapps.microsoft.com', sendMessage: false, ccRecipients: [] };

/** One guest to reset (with a profile update), one blocked, two unchanged. */
export const planWithChanges: Plan = {
  formatVersion: 1,
  desiredDigest: 'a'.repeat(64),
  caller: { kind: 'app' },
  summary: { resets: 1, profileUpdates: 1, adoptions: 0, invites: 0, markerRecords: 0, blocked: 1, unchanged: 2 },
  guests: [
    {
      key: '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10',
      id: '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10',
      upn: 'john.doe_fabrikam.example#EXT#@contoso.onmicrosoft.com',
      email: 'john.doe@northwind.example',
      file: 'guests/fabrikam.yaml',
      line: 13,
      actions: [
        {
          type: 'update-profile',
          reason: 'declared email is not on the user',
          mail: { from: 'john.doe@fabrikam.example', to: 'john.doe@northwind.example' },
        },
        {
          type: 'reset-redemption',
          reason: 'email-changed',
          email: 'john.doe@northwind.example',
          generation: 1,
          previous: { generation: 0, emailChanged: true },
          invitation,
        },
      ],
      observedDigest: '0123456789abcdef',
    },
    {
      key: 'admin.guest_partner.example#EXT#@contoso.onmicrosoft.com',
      id: '11111111-2222-4333-8444-555555555555',
      upn: 'admin.guest_partner.example#EXT#@contoso.onmicrosoft.com',
      email: 'admin@partner.example',
      file: 'guests/partners/tailspin.yaml',
      line: 7,
      actions: [],
      blocked: {
        code: 'role-holder-app-only',
        reason: 'holds a directory role: an app-only caller cannot reset it; a Helpdesk Administrator must reset it signed in',
      },
      observedDigest: 'fedcba9876543210',
    },
  ],
};

export const planWithoutChanges: Plan = {
  formatVersion: 1,
  desiredDigest: 'b'.repeat(64),
  caller: { kind: 'app' },
  summary: { resets: 0, profileUpdates: 0, adoptions: 0, invites: 0, markerRecords: 0, blocked: 0, unchanged: 3 },
  guests: [],
};
