import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'alongside-demo';
export const ORGANISATION = 'Alongside Demo Peer Support';

/** The demo accounts that `alongside serve` loads into an empty database. */
export const DEMO = {
  admin: { email: 'admin@demo.alongside.test', role: 'Admin' },
  coordinator: { email: 'coordinator@demo.alongside.test', role: 'Coordinator' },
  supervisor: { email: 'supervisor@demo.alongside.test', role: 'Supervisor' },
  safeguarding: { email: 'safeguarding@demo.alongside.test', role: 'Safeguarding lead' },
  peer: { email: 'peer@demo.alongside.test', role: 'Peer supporter' },
  referrer: { email: 'referrer@demo.alongside.test', role: 'Referrer' },
  commissioner: { email: 'commissioner@demo.alongside.test', role: 'Commissioner' },
  participant: { email: 'participant@demo.alongside.test', role: 'Participant' },
} as const;

export const FORBIDDEN = 'You do not have permission to see this page';

/** Someone who refers themself online; returns the referral's reference. */
export async function selfRefer(
  page: Page,
  person: { given: string; family: string; born: [string, string, string]; phone: string },
): Promise<string> {
  await page.goto('/refer/alongside-demo-peer-support');
  await page.getByLabel('First name').fill(person.given);
  await page.getByLabel('Last name').fill(person.family);
  await page.getByLabel('Day').fill(person.born[0]);
  await page.getByLabel('Month').fill(person.born[1]);
  await page.getByLabel('Year').fill(person.born[2]);
  await page.getByLabel('Postcode').fill('ls7 3aa');
  await page.getByLabel('Phone number').fill(person.phone);
  await page.getByLabel(/keeps these details/).check();
  await page.getByRole('button', { name: 'Send' }).click();
  return (await page.getByTestId('referral-reference').textContent())?.trim() ?? '';
}

/** A signed-in coordinator accepts the referral onto a programme's waiting list. */
export async function acceptOnto(page: Page, reference: string, programme: string): Promise<void> {
  await page.goto(`/referrals?q=${reference}`);
  await page.getByRole('link', { name: reference }).click();
  await page.getByRole('button', { name: 'Start triage' }).click();
  await page.getByRole('radio', { name: "Accept onto a programme's waiting list" }).check();
  await page.getByRole('radio', { name: programme }).check();
  await page.getByRole('button', { name: 'Save decision' }).click();
}

/** A name no other test (or earlier run against the same server) has used. */
export function unique(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/**
 * Fails the test on any WCAG 2.0/2.1/2.2 A or AA violation axe finds on the
 * page as it is now, listing each rule with the elements that break it.
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const report = results.violations
    .map((v) =>
      [
        `- ${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}`,
        `  ${v.helpUrl}`,
        ...v.nodes.map((n) => `  at ${n.target.join(' ')}\n    ${n.html}\n    ${(n.failureSummary ?? '').replace(/\n/g, '\n    ')}`),
      ].join('\n'),
    )
    .join('\n');
  expect(
    results.violations.length,
    `axe found ${results.violations.length} accessibility violation(s) on ${page.url()}:\n${report}\n`,
  ).toBe(0);
}

/** Presses Tab (or Shift+Tab) until `isTarget` says the focused element is the one wanted. */
export async function tabTo(
  page: Page,
  isTarget: () => Promise<boolean>,
  { backwards = false, limit = 60 } = {},
): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if (await isTarget()) return;
  }
  throw new Error(`could not reach the wanted element with ${limit} presses of ${backwards ? 'Shift+Tab' : 'Tab'} on ${page.url()}`);
}

/** Whether `locator` is the focused element. */
export function focused(locator: Locator): () => Promise<boolean> {
  return () => locator.evaluate((el) => el === document.activeElement).catch(() => false);
}

/** Signs in with the keyboard only: Tab to each field, type, Enter; lands on the dashboard. */
export async function signInWithKeyboard(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await expectNoAxeViolations(page);
  await tabTo(page, focused(page.getByLabel('Email address')));
  await page.keyboard.type(email);
  await tabTo(page, focused(page.getByLabel('Password', { exact: true })));
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/dashboard$/);
  await expectNoAxeViolations(page);
}

/** Signs in by filling the form; lands on the dashboard. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await expectNoAxeViolations(page);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expectNoAxeViolations(page);
}

/** Asserts the dashboard names the role and the organisation of whoever is signed in. */
export async function expectDashboardFor(page: Page, roleLabel: string): Promise<void> {
  await expect(page).toHaveURL(/\/dashboard$/);
  const main = page.locator('#maincontent');
  await expect(main).toContainText(roleLabel);
  await expect(main).toContainText(ORGANISATION);
}

/** Signs out with the header's button (with the keyboard if asked) and checks the sign-in page says so. */
export async function signOut(page: Page, { keyboard = false } = {}): Promise<void> {
  const button = page.getByRole('button', { name: 'Sign out' });
  if (keyboard) {
    await tabTo(page, focused(button));
    await page.keyboard.press('Space');
  } else {
    await button.click();
  }
  await expect(page).toHaveURL(/\/sign-in([?#].*)?$/);
  await expect(page.getByText('You have signed out')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await expectNoAxeViolations(page);
}

export interface Account {
  email: string;
  password: string;
  name: string;
}

/**
 * As an admin, invites a new member of staff with `role`, signs out, and takes
 * up the invitation; ends signed in as the new account, on the dashboard.
 * Leaves the demo accounts as they were.
 */
export async function inviteAndJoin(page: Page, role: string, name: string): Promise<Account> {
  const account = {
    email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.org`,
    password: 'a fine long passphrase',
    name,
  };
  await signIn(page, DEMO.admin.email);
  await page.getByRole('link', { name: 'Staff', exact: true }).click();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Invite a member of staff' }).click();
  await expectNoAxeViolations(page);
  await page.getByLabel('Email address').fill(account.email);
  await page.getByRole('radio', { name: role, exact: true }).check();
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const link = (await page.getByTestId('invitation-link').textContent())?.trim() ?? '';
  expect(link).toMatch(/^https?:\/\/\S+$/);
  await expectNoAxeViolations(page);
  await signOut(page);

  await page.goto(link);
  await expectNoAxeViolations(page);
  await page.getByLabel('Your name').fill(account.name);
  await page.getByLabel('Create a password').fill(account.password);
  await page.getByLabel('Confirm password').fill(account.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectDashboardFor(page, role);
  await expectNoAxeViolations(page);
  return account;
}
