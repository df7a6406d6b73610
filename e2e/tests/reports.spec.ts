import { expect, test } from '@playwright/test';
import { DEMO, expectNoAxeViolations, signIn } from './support';

test('a commissioner reads the referral report with small numbers hidden', async ({ page }) => {
  await signIn(page, DEMO.commissioner.email);
  await page.getByRole('link', { name: 'Reports', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Referral report' })).toBeVisible();
  await expect(page.getByText('Counts from 1 to 4 are shown as <5')).toBeVisible();
  await expect(page.getByRole('table', { name: /Referrals by who sent them/ })).toContainText('<5');
  await expectNoAxeViolations(page);
  await expect(page.getByRole('link', { name: 'Referrals', exact: true })).toHaveCount(0);
});
