/**
 * One plan exercising every action and a blocked guest, built by the real planner from a small
 * desired/observed pair (the demo tenant's stories), so renderer tests render real plans.
 */
import { buildPlan } from '../../src/plan/build-plan.js';
import type { Plan } from '../../src/plan/types.js';
import type { ObservedUser } from '../../src/plan/observed.js';
import { desired, guest, marker, tenant, user } from '../plan/builders.js';

export const JOHN = '6f1c2d4e-0b8a-4c3e-9d1f-2a7b5c9e8d10';
export const CAROL = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e70';
export const DAVE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c60';
export const MISSING = '0000aaaa-0000-4000-8000-000000000000';

export function samplePlan(extraUsers: ObservedUser[] = []): Plan {
  return buildPlan(
    desired(
      guest({
        id: JOHN,
        email: 'john.doe@northwind.example',
        otherMails: ['john.doe@northwind.example'],
        file: 'guests/fabrikam.yaml',
        line: 13,
        domainChangeAcks: [{ from: 'fabrikam.example', to: 'northwind.example', at: 'guest' }],
        invitation: {
          redirectUrl: 'https://myapps.microsoft.com',
          sendMessage: true,
          messageLanguage: 'en-US',
          ccRecipients: ['helpdesk@contoso.example'],
          customizedMessageBody: 'Your access moved.',
        },
      }),
      guest({ id: CAROL, email: 'carol.diaz@woodgrove.example', file: 'guests/partners/woodgrove.yaml', line: 6 }),
      guest({ id: DAVE, email: 'dave.lee@adatum.example', otherMails: ['dave.lee@adatum.example', 'dave@lee-family.example'], file: 'guests/partners/tailspin.yml', line: 13 }),
      guest({ id: MISSING, email: 'ghost@nowhere.example', file: 'guests/partners/tailspin.yml', line: 16 }),
      guest({ email: 'erin@fresh.example', file: 'guests/partners/tailspin.yml', line: 19 }),
    ),
    tenant([
      user({
        id: JOHN,
        userPrincipalName: 'john.doe_fabrikam.example#EXT#@contoso.onmicrosoft.com',
        mail: 'john.doe@fabrikam.example',
        otherMails: ['john.doe@fabrikam.example'],
        marker: marker(0, 'john.doe@fabrikam.example'),
      }),
      user({ id: CAROL, userPrincipalName: 'carol.diaz_woodgrove.example#EXT#@contoso.onmicrosoft.com', mail: 'carol.diaz@woodgrove.example' }),
      user({
        id: DAVE,
        userPrincipalName: 'dave.lee_adatum.example#EXT#@contoso.onmicrosoft.com',
        mail: 'dave.lee@adatum.example',
        otherMails: ['dave.lee@adatum.example', 'dlee@old.example'],
        marker: marker(0, 'dave.lee@adatum.example'),
      }),
      ...extraUsers,
    ]),
    { now: new Date('2026-05-01T12:00:00Z'), leaseSeconds: 900 },
  );
}
