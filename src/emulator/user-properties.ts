/**
 * The v1.0 user resource's property names (api-reference/v1.0/resources/user.md), which of them
 * Graph returns without `$select`, which are collections (returned as [] when empty), and which
 * a PATCH may write. `$select` and PATCH refuse names outside this list, as Graph does.
 */

/** Returned by default (user-list.md: "By default, only a limited set of properties are returned"). */
export const DEFAULT_USER_PROPERTIES = [
  'businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone',
  'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id',
] as const;

const ALL = [
  'aboutMe', 'accountEnabled', 'ageGroup', 'assignedLicenses', 'assignedPlans', 'birthday',
  'businessPhones', 'city', 'companyName', 'consentProvidedForMinor', 'country', 'createdDateTime',
  'creationType', 'deletedDateTime', 'department', 'displayName', 'employeeHireDate', 'employeeId',
  'employeeLeaveDateTime', 'employeeOrgData', 'employeeType', 'externalUserState',
  'externalUserStateChangeDateTime', 'faxNumber', 'givenName', 'hireDate', 'id', 'identities',
  'imAddresses', 'interests', 'isResourceAccount', 'jobTitle', 'lastPasswordChangeDateTime',
  'legalAgeGroupClassification', 'licenseAssignmentStates', 'mail', 'mailboxSettings', 'mailNickname',
  'mobilePhone', 'mySite', 'officeLocation', 'onPremisesDistinguishedName', 'onPremisesDomainName',
  'onPremisesExtensionAttributes', 'onPremisesImmutableId', 'onPremisesLastSyncDateTime',
  'onPremisesProvisioningErrors', 'onPremisesSamAccountName', 'onPremisesSecurityIdentifier',
  'onPremisesSyncEnabled', 'onPremisesUserPrincipalName', 'otherMails', 'passwordPolicies',
  'passwordProfile', 'pastProjects', 'postalCode', 'preferredDataLocation', 'preferredLanguage',
  'preferredName', 'provisionedPlans', 'proxyAddresses', 'responsibilities', 'schools',
  'securityIdentifier', 'showInAddressList', 'signInActivity', 'signInSessionsValidFromDateTime',
  'skills', 'state', 'streetAddress', 'surname', 'usageLocation', 'userPrincipalName', 'userType',
];

/** Lower-case name → canonical name: Graph matches property names case-insensitively. */
export const USER_PROPERTIES: ReadonlyMap<string, string> = new Map(ALL.map((p) => [p.toLowerCase(), p]));

export const COLLECTION_PROPERTIES: ReadonlySet<string> = new Set([
  'assignedLicenses', 'assignedPlans', 'businessPhones', 'identities', 'imAddresses', 'interests',
  'licenseAssignmentStates', 'onPremisesProvisioningErrors', 'otherMails', 'pastProjects',
  'provisionedPlans', 'proxyAddresses', 'responsibilities', 'schools', 'skills',
]);

/** Properties the service computes; a PATCH naming one is refused. */
export const READ_ONLY_PROPERTIES: ReadonlySet<string> = new Set([
  'id', 'createdDateTime', 'creationType', 'deletedDateTime', 'externalUserState',
  'externalUserStateChangeDateTime', 'imAddresses', 'assignedPlans', 'provisionedPlans',
  'licenseAssignmentStates', 'onPremisesDistinguishedName', 'onPremisesDomainName',
  'onPremisesLastSyncDateTime', 'onPremisesProvisioningErrors', 'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'onPremisesUserPrincipalName',
  'proxyAddresses', 'securityIdentifier', 'signInActivity', 'signInSessionsValidFromDateTime',
  'lastPasswordChangeDateTime', 'isResourceAccount', 'mailboxSettings', 'assignedLicenses',
]);

/** Writable string properties (null clears them). */
export const WRITABLE_STRINGS: ReadonlySet<string> = new Set([
  'aboutMe', 'ageGroup', 'city', 'companyName', 'consentProvidedForMinor', 'country', 'department',
  'displayName', 'employeeId', 'employeeType', 'faxNumber', 'givenName', 'jobTitle', 'mail',
  'mailNickname', 'mobilePhone', 'mySite', 'officeLocation', 'onPremisesImmutableId',
  'passwordPolicies', 'postalCode', 'preferredDataLocation', 'preferredLanguage', 'preferredName',
  'state', 'streetAddress', 'surname', 'usageLocation', 'userPrincipalName', 'userType',
  'employeeHireDate', 'employeeLeaveDateTime', 'birthday', 'hireDate',
]);
