/**
 * Consumer (free, self-service) mail domains. Anyone can register an address there, so moving a
 * guest's sign-in to one hands the guest's access to whoever got that mailbox; the policy refuses
 * it unless `allowConsumerDomains: true`. `name.*` stands for the name under any public suffix
 * (gmx.de, gmx.net, yahoo.co.uk). The list is deliberately short and well known, not complete:
 * an allow-list (`emailDomains`) is the real control.
 */
export const CONSUMER_DOMAINS: readonly string[] = Object.freeze([
  'gmail.com', 'googlemail.com',
  'outlook.com', 'outlook.*', 'hotmail.com', 'hotmail.*', 'live.com', 'live.*', 'msn.com', 'passport.com',
  'yahoo.*', 'ymail.com', 'rocketmail.com', 'aol.com', 'aim.com',
  'icloud.com', 'me.com', 'mac.com',
  'proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me',
  'gmx.*', 'web.de', 'freenet.de', 't-online.de',
  'mail.com', 'email.com', 'zoho.com', 'zohomail.com', 'yandex.*', 'ya.ru', 'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru',
  'tutanota.com', 'tutanota.de', 'tuta.io', 'tuta.com', 'fastmail.com', 'hey.com',
  'qq.com', '163.com', '126.com', 'sina.com', 'naver.com', 'daum.net',
  'orange.fr', 'free.fr', 'laposte.net', 'libero.it', 'virgilio.it', 'wp.pl', 'o2.pl', 'seznam.cz', 'rediffmail.com',
]);

const exact = new Set(CONSUMER_DOMAINS.filter((d) => !d.endsWith('.*')));
const anySuffix = CONSUMER_DOMAINS.filter((d) => d.endsWith('.*')).map((d) => d.slice(0, -2));

/** Whether `domain` (lower-case) is a consumer mail domain. `yahoo.*` covers yahoo.com and yahoo.co.uk. */
export function isConsumerDomain(domain: string): boolean {
  const d = domain.toLowerCase();
  if (exact.has(d)) return true;
  // name + one or two suffix labels: gmx.de, gmx.net, yahoo.co.uk; not gmx.example.corp.internal.
  return anySuffix.some((name) => d.startsWith(`${name}.`) && /^[a-z0-9-]+(?:\.[a-z0-9-]+)?$/.test(d.slice(name.length + 1)));
}
