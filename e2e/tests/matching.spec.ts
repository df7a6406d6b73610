import { expect, test } from '@playwright/test';
import { DEMO, expectNoAxeViolations, signIn, unique } from './support';

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

test('a coordinator runs matching on a waiting list and reviews the proposals', async ({ page }) => {
  const given = unique('Priya').replace(' ', '');
  await page.goto('/refer/alongside-demo-peer-support');
  await page.getByLabel('First name').fill(given);
  await page.getByLabel('Last name').fill('Shah');
  await page.getByLabel('Day').fill('14');
  await page.getByLabel('Month').fill('2');
  await page.getByLabel('Year').fill('1968');
  await page.getByLabel('Postcode').fill('ls6 2ab');
  await page.getByLabel('Phone number').fill('07700 900123');
  await page.getByLabel(/keeps these details/).check();
  await page.getByLabel('You may phone or email me about support').check();
  await page.getByRole('button', { name: 'Send' }).click();
  const reference = (await page.getByTestId('referral-reference').textContent())?.trim() ?? '';

  await signIn(page, DEMO.coordinator.email);
  await page.goto(`/referrals?q=${reference}`);
  await page.getByRole('link', { name: reference }).click();
  await page.getByRole('button', { name: 'Start triage' }).click();
  await page.getByRole('radio', { name: "Accept onto a programme's waiting list" }).check();
  await page.getByRole('radio', { name: 'Diabetes peer mentors' }).check();
  await page.getByRole('button', { name: 'Save decision' }).click();

  await page.goto('/programmes');
  await page.getByRole('link', { name: 'Diabetes peer mentors' }).click();
  await page.getByRole('link', { name: 'Match people on the waiting list with peer supporters' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Matching' })).toBeVisible();
  await expectNoAxeViolations(page);
  // A weight that is not a number is refused, with what was typed kept.
  await page.getByLabel('Live nearby').fill('far');
  await page.getByRole('button', { name: 'Save matching rules' }).click();
  await expect(page.getByRole('alert')).toContainText('Live nearby must be a whole number from 0 to 1000');
  await expect(page.getByLabel('Live nearby')).toHaveValue('far');
  await expectNoAxeViolations(page);
  await page.getByLabel('Live nearby').fill('10');
  await page.getByRole('button', { name: 'Save matching rules' }).click();
  await expect(page.getByText('The matching rules have been saved.')).toBeVisible();

  // Run by keyboard.
  await page.getByRole('button', { name: 'Run matching' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Matching run' })).toBeVisible();
  const card = page.getByTestId('proposal').filter({ hasText: `${given} Shah` });
  await expect(card).toBeVisible();
  await expect(card.getByRole('table')).toContainText('What counts');
  await expectNoAxeViolations(page);

  await card.getByRole('button', { name: /^Reject/ }).click();
  await expect(page.getByRole('alert')).toContainText('Say why this pair should not be proposed');
  await expectNoAxeViolations(page);
  const again = page.getByTestId('proposal').filter({ hasText: `${given} Shah` });
  await again.getByRole('button', { name: /^Accept/ }).click();
  await expect(page.getByText('The match has been proposed to the person and the supporter.')).toBeVisible();
  await expect(page.getByTestId('proposal').filter({ hasText: `${given} Shah` })).toContainText('Accepted');
  await expectNoAxeViolations(page);
});
