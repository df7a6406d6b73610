import { expect, test } from '@playwright/test';
import { DEMO, expectNoAxeViolations, signIn, unique } from './support';

test('a person refers themself, then a coordinator triages them onto a waiting list', async ({ page }) => {
  const given = unique('Maureen').replace(' ', '');
  await page.goto('/refer/alongside-demo-peer-support');
  await expect(page.getByRole('heading', { level: 1, name: 'Ask for peer support' })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByRole('button', { name: 'Send' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Enter your first name');
  await expect(summary).toContainText('Enter your date of birth');
  await expect(summary).toContainText('Tick the box');
  await expectNoAxeViolations(page);

  await page.getByLabel('First name').fill(given);
  await page.getByLabel('Last name').fill('Ellis');
  await page.getByLabel('Day').fill('27');
  await page.getByLabel('Month').fill('3');
  await page.getByLabel('Year').fill('1956');
  await page.getByLabel('Postcode').fill('ls1 4ap');
  await page.getByLabel('Phone number').fill('07700 900982');
  await page.getByLabel('What would help you? (optional)').fill('Someone to talk to who gets it');
  await page.getByLabel(/keeps these details/).check();
  await page.getByLabel('You may phone or email me about support').check();
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'We have your request' })).toBeVisible();
  const reference = (await page.getByTestId('referral-reference').textContent())?.trim() ?? '';
  expect(reference).toMatch(/^R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await expectNoAxeViolations(page);

  await signIn(page, DEMO.coordinator.email);
  await page.getByRole('link', { name: 'Referrals', exact: true }).click();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: reference }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${given} Ellis` })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Start triage' }).click();
  await expect(page.getByText('The decision has been saved.')).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByRole('radio', { name: "Accept onto a programme's waiting list" }).check();
  await page.getByRole('button', { name: 'Save decision' }).click();
  await expect(page.getByRole('alert')).toContainText('Choose the programme whose waiting list the person joins');
  await expectNoAxeViolations(page);
  await page.getByRole('radio', { name: "Accept onto a programme's waiting list" }).check();
  await page.getByRole('radio', { name: 'Breathe Easy buddies' }).check();
  await page.getByRole('button', { name: 'Save decision' }).click();
  await expect(page.locator('.nhsuk-summary-list')).toContainText('On a waiting list: Breathe Easy buddies');
  await expectNoAxeViolations(page);
});

test('a peer supporter cannot see the referral queue', async ({ page }) => {
  await signIn(page, DEMO.peer.email);
  await expect(page.getByRole('link', { name: 'Referrals', exact: true })).toHaveCount(0);
  const response = await page.goto('/referrals');
  expect(response?.status()).toBe(403);
  await expectNoAxeViolations(page);
});
