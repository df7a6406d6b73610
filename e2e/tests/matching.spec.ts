import { expect, test } from '@playwright/test';
import { DEMO, expectNoAxeViolations, signIn } from './support';

test('a coordinator matches a person on a waiting list with a peer supporter by hand', async ({ page }) => {
  await signIn(page, DEMO.coordinator.email);
  await page.goto('/referrals?q=R-DEMO-0002');
  await page.getByRole('link', { name: 'R-DEMO-0002' }).click();
  await page.getByRole('button', { name: 'Start triage' }).click();
  await page.getByRole('radio', { name: "Accept onto a programme's waiting list" }).check();
  await page.getByRole('radio', { name: 'Walk and talk' }).check();
  await page.getByRole('button', { name: 'Save decision' }).click();

  await expect(page.getByRole('heading', { name: 'Match with a peer supporter' })).toBeVisible();
  // Dave Marsh's checks ran out: he is listed with the reason, and cannot be chosen.
  await expect(page.getByRole('radio', { name: 'Dave Marsh' })).toHaveCount(0);
  await expect(page.getByTestId('blocked')).toContainText('Dave Marsh: Checks ran out');
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Propose the match' }).click();
  await expect(page.getByRole('alert')).toContainText('Choose a peer supporter');
  await expectNoAxeViolations(page);

  await page.getByRole('radio', { name: 'Grace Okoro' }).check();
  await page.getByRole('button', { name: 'Propose the match' }).click();
  const match = page.getByTestId('match');
  await expect(match).toContainText('Grace Okoro: Proposed');
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'The person said yes' }).click();
  await page.getByRole('button', { name: 'Grace Okoro said yes' }).click();
  await expect(page.getByTestId('match')).toContainText('Grace Okoro: Agreed by both');
  await expect(page.locator('.nhsuk-summary-list').first()).toContainText('Placed');
  await expectNoAxeViolations(page);
});
