import { expect, test } from '@playwright/test';
import { DEMO, expectNoAxeViolations, signIn, signOut, unique } from './support';

test('a person answers their questionnaire by keyboard through a private link, and the report counts it', async ({ page }) => {
  const given = unique('Ruth').replace(' ', '');
  await page.goto('/refer/alongside-demo-peer-support');
  await page.getByLabel('First name').fill(given);
  await page.getByLabel('Last name').fill('Okafor');
  await page.getByLabel('Day').fill('9');
  await page.getByLabel('Month').fill('11');
  await page.getByLabel('Year').fill('1959');
  await page.getByLabel('Postcode').fill('ls7 3aa');
  await page.getByLabel('Phone number').fill('07700 900456');
  await page.getByLabel(/keeps these details/).check();
  await page.getByRole('button', { name: 'Send' }).click();
  const reference = (await page.getByTestId('referral-reference').textContent())?.trim() ?? '';

  await signIn(page, DEMO.coordinator.email);
  await page.goto(`/referrals?q=${reference}`);
  await page.getByRole('link', { name: reference }).click();
  await page.getByRole('button', { name: 'Start triage' }).click();
  await page.getByRole('radio', { name: "Accept onto a programme's waiting list" }).check();
  await page.getByRole('radio', { name: 'Living with pain group' }).check();
  await page.getByRole('button', { name: 'Save decision' }).click();
  await expect(page.getByRole('heading', { name: 'Outcome questionnaires' })).toBeVisible();
  await expectNoAxeViolations(page);

  // No link without consent to questionnaires; then consent is recorded.
  await page.getByRole('button', { name: 'Make a private link for Baseline' }).click();
  await expect(page.getByRole('alert')).toContainText('has not agreed to outcome questionnaires');
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Back to the referral' }).click();
  await page.getByText('Record a consent given or withdrawn').click();
  await page.getByRole('radio', { name: 'Consent given' }).check();
  await page.getByRole('radio', { name: 'Send outcome questionnaires' }).check();
  await page.getByRole('radio', { name: 'Verbally' }).check();
  await page.getByRole('button', { name: 'Record consent' }).click();
  await page.getByRole('button', { name: 'Make a private link for Baseline' }).click();
  const link = (await page.getByTestId('private-link').textContent())?.trim() ?? '';
  expect(link).toContain('/q/q_');
  await expectNoAxeViolations(page);
  await signOut(page);

  // The person answers by keyboard alone.
  await page.goto(new URL(link).pathname);
  await expect(page.getByRole('heading', { level: 1, name: 'How are things for you?' })).toBeVisible();
  await expectNoAxeViolations(page);
  const groups = await page.getByRole('group').count();
  expect(groups).toBe(13);
  await page.locator('input[type=radio]').first().focus();
  for (let i = 0; i < groups; i++) {
    // Arrow keys move within a group and choose; Tab goes to the next one.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
  }
  await expect(page.getByRole('button', { name: 'Send answers' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you' })).toBeVisible();
  await expectNoAxeViolations(page);

  await signIn(page, DEMO.coordinator.email);
  await page.goto(`/referrals?view=waiting&q=${reference}`);
  await page.getByRole('link', { name: reference }).click();
  await expect(page.getByTestId('timepoint').first()).toContainText('Score 2');
  await page.goto('/reports');
  await expect(page.getByRole('heading', { name: 'Outcomes' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Self-Efficacy for Managing Chronic Disease (SEMCD-6)' })).toBeVisible();
  await expect(page.getByRole('img', { name: /SEMCD-6.*mean score at each timepoint/ })).toBeVisible();
  await expectNoAxeViolations(page);
});
