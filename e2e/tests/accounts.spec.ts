import { expect, test } from '@playwright/test';
import {
  DEMO,
  ORGANISATION,
  expectDashboardFor,
  expectNoAxeViolations,
  focused,
  inviteAndJoin,
  signIn,
  signOut,
  tabTo,
  unique,
} from './support';

test('an admin invites a peer supporter who sets up their account', async ({ page }) => {
  const name = unique('Nia Evans');
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.org`;
  const password = 'a fine long passphrase';
  await signIn(page, DEMO.admin.email);
  await page.getByRole('link', { name: 'Staff', exact: true }).click();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Invite a member of staff' }).click();
  await expectNoAxeViolations(page);

  // Nothing filled in.
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('alert').getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expectNoAxeViolations(page);

  // With the keyboard: type the email, Tab into the roles, Space to choose, Enter to send.
  await page.getByLabel('Email address').fill(email);
  const peer = page.getByRole('radio', { name: 'Peer supporter', exact: true });
  await tabTo(page, focused(page.getByRole('group', { name: 'Role' }).getByRole('radio').first()));
  for (let i = 0; i < 10 && !(await focused(peer)()); i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await expect(peer).toBeChecked();
  await tabTo(page, focused(page.getByRole('button', { name: 'Send invitation' })));
  await page.keyboard.press('Enter');

  const link = (await page.getByTestId('invitation-link').textContent())?.trim() ?? '';
  expect(link).toMatch(/^https?:\/\/\S+$/);
  await expect(page.locator('#maincontent')).toContainText(email);
  await expectNoAxeViolations(page);
  // The invitation waits on the staff page.
  await page.getByRole('link', { name: 'Staff', exact: true }).click();
  await expect(page.locator('#maincontent')).toContainText(email);
  await expectNoAxeViolations(page);
  await signOut(page);

  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(ORGANISATION);
  await expectNoAxeViolations(page);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Create a password').fill(password);
  await page.getByLabel('Confirm password').fill('something else entirely');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByLabel('Your name')).toHaveValue(name);
  await expectNoAxeViolations(page);
  await page.getByLabel('Create a password').fill(password);
  await page.getByLabel('Confirm password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectDashboardFor(page, 'Peer supporter');
  await expectNoAxeViolations(page);
  await signOut(page);

  // The link works once only; the new account signs in with its password.
  const again = await page.goto(link);
  expect(again?.status()).toBeGreaterThanOrEqual(400);
  await expect(page.getByLabel('Create a password')).toHaveCount(0);
  await expectNoAxeViolations(page);
  await signIn(page, email, password);
  await expectDashboardFor(page, 'Peer supporter');
});

test('a member of staff changes their password', async ({ page }) => {
  // A fresh account, so that no demo account is changed whatever happens here.
  const account = await inviteAndJoin(page, 'Supervisor', unique('Sam Reid'));
  const newPassword = 'another long passphrase';
  await page.getByRole('link', { name: 'Your account', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your account' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Change your password' }).click();
  await expectNoAxeViolations(page);

  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Confirm new password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toContainText('Your current password is wrong');
  await expectNoAxeViolations(page);

  await page.getByLabel('Current password').fill(account.password);
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Confirm new password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Your password has been changed')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expectNoAxeViolations(page);
  await signOut(page);

  // The old password no longer works; the new one does.
  await page.getByLabel('Email address').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Wrong email address or password');
  await expectNoAxeViolations(page);
  await signIn(page, account.email, newPassword);
  await expectDashboardFor(page, 'Supervisor');
});

test('a coordinator makes an API token that is shown once and can be revoked', async ({ page, request }) => {
  await signIn(page, DEMO.coordinator.email);
  await page.getByRole('link', { name: 'Your account', exact: true }).click();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'API tokens' }).click();
  await expectNoAxeViolations(page);
  const tokenName = unique('monthly report');
  await page.getByLabel('Token name').fill(tokenName);
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-api-token').textContent())?.trim() ?? '';
  expect(token.length).toBeGreaterThan(20);
  await expectNoAxeViolations(page);

  const me = await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).role).toBe('coordinator');

  // Shown once: a reload does not show it again.
  await page.goto(page.url());
  await expect(page.getByTestId('new-api-token')).toHaveCount(0);
  await page.getByRole('button', { name: `Revoke ${tokenName}` }).click();
  await expect(page.getByRole('button', { name: `Revoke ${tokenName}` })).toHaveCount(0);
  await expectNoAxeViolations(page);
  const after = await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
});
