import { expect, test } from '@playwright/test';
import { DEMO, expectNoAxeViolations, signIn, unique } from './support';

test('a coordinator adds a peer supporter, sees why one cannot be matched, and pauses one', async ({ page }) => {
  await signIn(page, DEMO.coordinator.email);
  await page.getByRole('link', { name: 'Supporters', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Peer supporters' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Dave Marsh/ })).toContainText('Checks ran out');
  await expectNoAxeViolations(page);

  await page.getByRole('link', { name: 'Add a peer supporter' }).click();
  await page.getByRole('button', { name: 'Save peer supporter' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Enter their name');
  await expect(summary).toContainText('Choose at least one way they can give support');
  await expectNoAxeViolations(page);

  const name = unique('Robin Ward');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('radio', { name: 'Non-binary' }).check();
  await page.getByRole('radio', { name: '25 to 34' }).check();
  await page.getByLabel(/Long-term conditions they have lived with/).fill('Type 1 diabetes');
  await page.getByRole('checkbox', { name: 'Video call' }).check();
  await page.getByRole('checkbox', { name: 'Evening' }).first().check();
  await page.getByLabel('Home postcode').fill('LS2 9JT');
  await page.getByLabel('Checks valid until (optional)').fill('1/9/2099');
  await page.getByRole('button', { name: 'Save peer supporter' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByText('Can be matched', { exact: true })).toBeVisible();
  await expect(page.locator('.nhsuk-summary-list')).toContainText('Monday evening');
  await expectNoAxeViolations(page);

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByText('Paused (not active)')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Make active' }).click();
  await expect(page.getByText('Can be matched', { exact: true })).toBeVisible();
});

test('a referrer cannot see the peer supporters', async ({ page }) => {
  await signIn(page, DEMO.referrer.email);
  await expect(page.getByRole('link', { name: 'Supporters', exact: true })).toHaveCount(0);
  const response = await page.goto('/supporters');
  expect(response?.status()).toBe(403);
});
