import { expect, test } from '@playwright/test';
import { DEMO, expectAccessible, signIn, signOut } from './support';

test('an admin invites a peer supporter who sets up their account', async ({ page }) => {
  const email = `new.peer.${Date.now()}@example.org`;
  await signIn(page, DEMO.admin.email);
  await page.getByRole('link', { name: 'Staff', exact: true }).click();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Invite a member of staff' }).click();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('alert')).toContainText('Enter an email address');
  await expect(page.getByRole('alert')).toContainText('Choose a role from the list');
  await expectAccessible(page);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('radio', { name: 'Peer supporter' }).check();
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const link = (await page.getByTestId('invitation-link').textContent())?.trim() ?? '';
  expect(link).toContain('/invitations/inv_');
  await expectAccessible(page);
  await signOut(page);

  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Join Alongside Demo Peer Support');
  await expectAccessible(page);
  await page.getByLabel('Your name').fill('Nia Evans');
  await page.getByLabel('Create a password').fill('a fine long passphrase');
  await page.getByLabel('Confirm password').fill('something else');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('alert')).toContainText('The passwords do not match');
  await expect(page.getByLabel('Your name')).toHaveValue('Nia Evans');
  await expectAccessible(page);
  await page.getByLabel('Create a password').fill('a fine long passphrase');
  await page.getByLabel('Confirm password').fill('a fine long passphrase');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL('**/dashboard');
  await expect(page.locator('.nhsuk-summary-list')).toContainText('Peer supporter');
  await expectAccessible(page);
  await signOut(page);
});

test('a supervisor changes their password and changes it back', async ({ page }) => {
  await signIn(page, DEMO.supervisor.email);
  await page.getByRole('link', { name: 'Your account', exact: true }).click();
  await page.getByRole('link', { name: 'Change your password' }).click();
  await expectAccessible(page);
  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password', { exact: true }).fill('a temporary passphrase');
  await page.getByLabel('Confirm new password').fill('a temporary passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toContainText('Your current password is wrong');
  await expectAccessible(page);
  for (const [from, to] of [['alongside-demo', 'a temporary passphrase'], ['a temporary passphrase', 'alongside-demo']]) {
    await page.getByLabel('Current password').fill(from);
    await page.getByLabel('New password', { exact: true }).fill(to);
    await page.getByLabel('Confirm new password').fill(to);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByText('Your password has been changed.')).toBeVisible();
  }
  await expectAccessible(page);
  await signOut(page);
});

test('a coordinator makes an API token that is shown once', async ({ page, request }) => {
  await signIn(page, DEMO.coordinator.email);
  await page.goto('/account/tokens');
  await expectAccessible(page);
  await page.getByLabel('Token name').fill('monthly report');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-api-token').textContent())?.trim() ?? '';
  expect(token).toMatch(/^alg_/);
  await expectAccessible(page);
  const me = await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect((await me.json()).role).toBe('coordinator');
  await page.getByRole('button', { name: 'Revoke monthly report' }).click();
  const after = await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(after.status()).toBe(401);
});
