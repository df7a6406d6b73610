import { expect, test } from '@playwright/test';
import {
  DEMO,
  FORBIDDEN,
  expectNoAxeViolations,
  focused,
  signIn,
  signInWithKeyboard,
  tabTo,
  unique,
} from './support';

test('a coordinator adds a programme, fixes its errors, edits, archives and restores it', async ({ page }) => {
  const name = unique('Heart to heart');
  const renamed = `${name} (renamed)`;
  await signIn(page, DEMO.coordinator.email);
  await page.getByRole('link', { name: 'Programmes', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Programmes' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Add a programme' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expectNoAxeViolations(page);

  // Nothing filled in: every required answer is named...
  await page.getByRole('button', { name: 'Save programme' }).click();
  const summary = page.getByRole('alert');
  await expect(summary.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  for (const message of ['Enter a programme name', 'Choose how support is given', 'Choose where support happens']) {
    await expect(summary.getByRole('link', { name: message })).toBeVisible();
  }
  await expect(page).toHaveTitle(/^Error: /);
  await expectNoAxeViolations(page);

  // ...and each link in the summary moves focus to its question.
  const nameField = page.getByLabel('Name', { exact: true });
  const modelGroup = page.getByRole('group', { name: 'How support is given' });
  const settingGroup = page.getByRole('group', { name: 'Where support happens' });
  await summary.getByRole('link', { name: 'Enter a programme name' }).click();
  await expect(nameField).toBeFocused();
  await summary.getByRole('link', { name: 'Choose how support is given' }).click();
  await expect(modelGroup.getByRole('radio').first()).toBeFocused();
  // The same with the keyboard.
  await tabTo(page, focused(summary.getByRole('link', { name: 'Choose where support happens' })), { backwards: true });
  await page.keyboard.press('Enter');
  await expect(settingGroup.getByRole('radio').first()).toBeFocused();

  // A bad capacity: its own message, and everything else typed is kept.
  const typed = {
    Description: 'One-to-one support after a heart attack.',
    'Conditions served': 'Coronary heart disease\nHeart failure',
    'Who can join': 'Adults in the borough discharged from cardiac rehab.',
    'Funding source': 'Integrated care board grant',
    'Days without contact before a follow-up': '21',
    'Weeks between supervision sessions': '2',
  };
  await nameField.fill(name);
  for (const [label, value] of Object.entries(typed)) await page.getByLabel(label, { exact: true }).fill(value);
  await modelGroup.getByRole('radio', { name: 'Peer mentoring (one to one)' }).check();
  await settingGroup.getByRole('radio', { name: 'Clinical (referral from a clinician)' }).check();
  await page.getByLabel('Capacity', { exact: true }).fill('lots');
  await page.getByRole('button', { name: 'Save programme' }).click();

  await expect(summary).toContainText('Capacity must be a whole number, like 12');
  await expect(summary).not.toContainText('Enter a programme name');
  await expect(nameField).toHaveValue(name);
  for (const [label, value] of Object.entries(typed)) {
    await expect(page.getByLabel(label, { exact: true })).toHaveValue(value);
  }
  await expect(modelGroup.getByRole('radio', { name: 'Peer mentoring (one to one)' })).toBeChecked();
  await expect(settingGroup.getByRole('radio', { name: 'Clinical (referral from a clinician)' })).toBeChecked();
  await expect(page.getByLabel('Capacity', { exact: true })).toHaveValue('lots');
  await expectNoAxeViolations(page);

  // Fixed with the keyboard alone: the summary's link, the field, then Save.
  await tabTo(page, focused(summary.getByRole('link', { name: 'Capacity must be a whole number, like 12' })));
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Capacity', { exact: true })).toBeFocused();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('12');
  await tabTo(page, focused(page.getByRole('button', { name: 'Save programme' })));
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const main = page.locator('#maincontent');
  for (const shown of ['Peer mentoring (one to one)', 'Clinical (referral from a clinician)', typed.Description, 'Heart failure', typed['Funding source'], '12']) {
    await expect(main).toContainText(shown);
  }
  await expectNoAxeViolations(page);

  // The list shows it and leads back to it.
  await page.getByRole('link', { name: 'Programmes', exact: true }).click();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expectNoAxeViolations(page);

  // Edit: the form holds what was saved; a new name is saved.
  await page.getByRole('link', { name: 'Edit programme' }).click();
  await expect(nameField).toHaveValue(name);
  await expect(page.getByLabel('Capacity', { exact: true })).toHaveValue('12');
  await expect(modelGroup.getByRole('radio', { name: 'Peer mentoring (one to one)' })).toBeChecked();
  await expectNoAxeViolations(page);
  await nameField.fill(renamed);
  await page.getByRole('button', { name: 'Save programme' }).click();
  await expect(page.getByRole('heading', { level: 1, name: renamed })).toBeVisible();
  await expectNoAxeViolations(page);

  // Archive, then restore.
  await page.getByRole('button', { name: 'Archive programme' }).click();
  await expect(page.getByRole('heading', { level: 1, name: renamed })).toBeVisible();
  await expect(main).toContainText('Archived');
  await expect(page.getByRole('button', { name: 'Archive programme' })).toHaveCount(0);
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Restore programme' }).click();
  await expect(page.getByRole('heading', { level: 1, name: renamed })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Archive programme' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Restore programme' })).toHaveCount(0);
  await expectNoAxeViolations(page);
});

test('a commissioner reads programmes but cannot add one', async ({ page }) => {
  await signIn(page, DEMO.commissioner.email);
  await page.getByRole('link', { name: 'Programmes', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Programmes' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Add a programme' })).toHaveCount(0);
  await expectNoAxeViolations(page);

  const response = await page.goto('/programmes/new');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { level: 1, name: FORBIDDEN })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('a participant cannot reach staff or the audit log', async ({ page }) => {
  await signInWithKeyboard(page, DEMO.participant.email);
  await expect(page.getByRole('link', { name: 'Staff', exact: true })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Audit log', exact: true })).toHaveCount(0);
  for (const path of ['/staff', '/staff/invite', '/audit']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByRole('heading', { level: 1, name: FORBIDDEN })).toBeVisible();
    await expectNoAxeViolations(page);
  }
});

test('an admin reads the audit log and the staff list', async ({ page }) => {
  await signIn(page, DEMO.admin.email);
  await page.getByRole('link', { name: 'Audit log', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  // The admin's own sign-in is already there.
  await expect(page.getByRole('table')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Staff', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Staff' })).toBeVisible();
  for (const account of Object.values(DEMO).filter((a) => a.role !== 'Participant')) {
    await expect(page.getByRole('table').first()).toContainText(account.email);
  }
  await expectNoAxeViolations(page);
});
