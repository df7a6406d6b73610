import { expect, test } from '@playwright/test';
import {
  DEMO,
  DEMO_PASSWORD,
  expectDashboardFor,
  expectNoAxeViolations,
  focused,
  signInWithKeyboard,
  signOut,
  tabTo,
} from './support';

// One test per role, so that a failure names the role.
for (const [key, account] of Object.entries(DEMO)) {
  test(`the ${key} demo account signs in and out with the keyboard`, async ({ page }) => {
    await signInWithKeyboard(page, account.email);
    await expectDashboardFor(page, account.role);

    await page.getByRole('link', { name: 'Programmes', exact: true }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Programmes' })).toBeVisible();
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'Your account', exact: true }).click();
    await expect(page.locator('#maincontent')).toContainText(account.email);
    await expectNoAxeViolations(page);

    await signOut(page, { keyboard: true });
    // Signed out means signed out: a private page sends you to sign in again.
    await page.goto('/dashboard');
    await expect(page).toHaveURL(/\/sign-in/);
    await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
    await expectNoAxeViolations(page);
  });
}

test('the skip link is the first stop and moves focus to the main content', async ({ page }) => {
  for (const path of ['/', '/sign-in']) {
    await page.goto(path);
    await expectNoAxeViolations(page);
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('#maincontent')).toBeFocused();
  }
});

test('a wrong password gets an error summary and keeps the email typed', async ({ page }) => {
  await page.goto('/sign-in');
  await expectNoAxeViolations(page);
  await page.getByLabel('Email address').fill(DEMO.referrer.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();

  const summary = page.getByRole('alert');
  await expect(summary.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(summary).toContainText('Wrong email address or password');
  await expect(page.getByLabel('Email address')).toHaveValue(DEMO.referrer.email);
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(page).toHaveTitle(/^Error: /);
  await expectNoAxeViolations(page);

  // By keyboard: the summary's link takes focus to the field it names...
  await tabTo(page, focused(summary.getByRole('link').first()));
  await page.keyboard.press('Enter');
  const email = page.getByLabel('Email address');
  const password = page.getByLabel('Password', { exact: true });
  expect(await focused(email)() || await focused(password)()).toBe(true);

  // ...and Tab / Shift+Tab move between the fields, so the person can try again.
  await tabTo(page, focused(password));
  await page.keyboard.type(DEMO_PASSWORD);
  await tabTo(page, focused(email), { backwards: true });
  await tabTo(page, focused(page.getByRole('button', { name: 'Sign in' })));
  await page.keyboard.press('Enter');
  await expectDashboardFor(page, DEMO.referrer.role);
  await expectNoAxeViolations(page);
});

test('an unknown page is a friendly 404', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('signed out, a private page leads to sign-in and then back to it', async ({ page }) => {
  await page.goto('/programmes');
  await expect(page).toHaveURL(/\/sign-in/);
  await expectNoAxeViolations(page);
  await page.getByLabel('Email address').fill(DEMO.supervisor.email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/programmes$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Programmes' })).toBeVisible();
  await expectNoAxeViolations(page);
});
