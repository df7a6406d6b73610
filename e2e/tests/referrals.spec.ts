import { expect, test } from '@playwright/test';
import { DEMO, expectNoAxeViolations, signIn, signOut, unique } from './support';

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
  await expect(page.getByText('The change has been saved.')).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByRole('radio', { name: "Accept onto a programme's waiting list" }).check();
  await page.getByRole('button', { name: 'Save decision' }).click();
  await expect(page.getByRole('alert')).toContainText('Choose the programme whose waiting list the person joins');
  await expectNoAxeViolations(page);
  await page.getByRole('radio', { name: "Accept onto a programme's waiting list" }).check();
  await page.getByRole('radio', { name: 'Breathe Easy buddies' }).check();
  await page.getByRole('button', { name: 'Save decision' }).click();
  await expect(page.locator('.nhsuk-summary-list').first()).toContainText('On a waiting list: Breathe Easy buddies');
  await expectNoAxeViolations(page);
});

test('a self-referral is signposted to another service', async ({ page }) => {
  const given = unique('Sian').replace(' ', '');
  await page.goto('/refer/alongside-demo-peer-support');
  await page.getByLabel('First name').fill(given);
  await page.getByLabel('Last name').fill('Rees');
  await page.getByLabel('Day').fill('2');
  await page.getByLabel('Month').fill('10');
  await page.getByLabel('Year').fill('1948');
  await page.getByLabel('Postcode').fill('LS7 3AA');
  await page.getByLabel('Email address').fill('sian.rees@example.org');
  await page.getByLabel(/keeps these details/).check();
  await page.getByRole('button', { name: 'Send' }).click();
  const reference = (await page.getByTestId('referral-reference').textContent())?.trim() ?? '';

  await signIn(page, DEMO.coordinator.email);
  await page.goto(`/referrals?q=${encodeURIComponent(given)}`);
  await expect(page.getByRole('table')).toContainText('No consent to contact');
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: reference }).click();
  await page.getByRole('button', { name: 'Start triage' }).click();
  await page.getByRole('radio', { name: 'Signpost to another service' }).check();
  await page.getByRole('button', { name: 'Save decision' }).click();
  await expect(page.getByRole('alert')).toContainText('Say where the person was signposted to');
  await expectNoAxeViolations(page);
  await page.getByRole('radio', { name: 'Signpost to another service' }).check();
  await page.getByLabel('Note', { exact: true }).fill('Leeds Breathe Easy group at Chapel Allerton library');
  await page.getByRole('button', { name: 'Save decision' }).click();
  await expect(page.locator('.nhsuk-summary-list').first()).toContainText('Signposted');
  await expect(page.getByRole('list').filter({ hasText: 'signposted:' })).toContainText('Chapel Allerton library');
  await expectNoAxeViolations(page);
});

test('a link worker refers someone and follows the outcome', async ({ page }) => {
  const given = unique('Arjun').replace(' ', '');
  await signIn(page, DEMO.referrer.email);
  await page.getByRole('link', { name: 'My referrals' }).click();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Refer someone' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Refer someone for peer support' })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByRole('button', { name: 'Send referral' }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Choose who is making the referral');
  await expect(summary).toContainText('Confirm the person agreed');
  await expectNoAxeViolations(page);
  // The summary's links lead to the fields.
  await expect(summary.getByRole('link', { name: 'Enter their first name' })).toHaveAttribute('href', '#given_name');

  await page.getByRole('radio', { name: 'Link worker (social prescribing)' }).check();
  await page.getByLabel('Your practice, team or organisation').fill('Chapeltown Health Centre');
  await page.getByLabel('First name', { exact: true }).fill(given);
  await page.getByLabel('Last name').fill('Mehta');
  await page.getByLabel('Day').fill('4');
  await page.getByLabel('Month').fill('9');
  await page.getByLabel('Year').fill('1961');
  await page.getByLabel('NHS number (optional)').fill('450 557 7104');
  await page.getByLabel('Postcode').fill('LS7 4BZ');
  await page.getByLabel('Phone number').fill('0113 496 0000');
  await page.getByLabel('They need an interpreter').check();
  await page.getByLabel('Preferred language (optional)').fill('Punjabi');
  await page.getByRole('checkbox', { name: 'Diabetes, type 2' }).check();
  await page.getByLabel('Reason for referral').fill('Isolated since diagnosis; would like to meet others');
  await page.getByRole('radio', { name: 'No', exact: true }).check();
  await page.getByRole('checkbox', { name: 'Phone', exact: true }).check();
  await page.getByRole('checkbox', { name: 'Morning' }).first().check();
  await page.getByLabel(/agreed to this referral/).check();
  await page.getByRole('radio', { name: 'Verbally' }).check();
  await page.getByRole('checkbox', { name: 'Contact by phone call' }).check();
  await page.getByRole('button', { name: 'Send referral' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Referral sent' })).toBeVisible();
  const reference = (await page.getByTestId('referral-reference').textContent())?.trim() ?? '';
  await expectNoAxeViolations(page);

  await page.getByRole('link', { name: 'My referrals' }).first().click();
  await page.getByRole('link', { name: reference }).click();
  await expect(page.getByTestId('outcome')).toHaveText('Received');
  await expectNoAxeViolations(page);

  await signOut(page);
  await signIn(page, DEMO.coordinator.email);
  await page.goto(`/referrals?q=${encodeURIComponent(given)}`);
  await expect(page.getByRole('table')).toContainText('Interpreter needed');
  await page.getByRole('link', { name: reference }).click();
  await expect(page.getByText('Diabetes, type 2 (SNOMED CT 44054006)')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Start triage' }).click();
  await page.getByRole('radio', { name: "Accept onto a programme's waiting list" }).check();
  await page.getByRole('radio', { name: 'Diabetes peer mentors' }).check();
  await page.getByRole('button', { name: 'Save decision' }).click();
  await expect(page.locator('.nhsuk-summary-list').first()).toContainText('On a waiting list');

  await signOut(page);
  await signIn(page, DEMO.referrer.email);
  await page.goto('/my-referrals');
  await page.getByRole('link', { name: reference }).click();
  await expect(page.getByTestId('outcome')).toHaveText('On a waiting list: Diabetes peer mentors');
});

test('a coordinator sees a likely duplicate, the risk and the consent record', async ({ page }) => {
  await signIn(page, DEMO.coordinator.email);
  await page.goto('/referrals?q=R-DEMO-0003');
  await page.getByRole('link', { name: 'R-DEMO-0003' }).click();
  await expect(page.getByText('Has had two falls this year')).toBeVisible();
  await expect(page.getByTestId('duplicate').filter({ hasText: 'Maureen Ellis' })).toContainText('R-DEMO-0001');
  await expect(page.getByRole('table', { name: 'Consent records' })).toContainText('Contact by phone call');
  await expectNoAxeViolations(page);
});

test('a peer supporter cannot see the referral queue', async ({ page }) => {
  await signIn(page, DEMO.peer.email);
  await expect(page.getByRole('link', { name: 'Referrals', exact: true })).toHaveCount(0);
  const response = await page.goto('/referrals');
  expect(response?.status()).toBe(403);
  await expectNoAxeViolations(page);
});
