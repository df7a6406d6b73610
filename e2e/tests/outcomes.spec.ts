import { expect, test } from '@playwright/test';
import { DEMO, acceptOnto, expectNoAxeViolations, selfRefer, signIn, signOut, unique } from './support';

test('a person answers their questionnaire by keyboard through a private link, and the report counts it', async ({ page }) => {
  const given = unique('Ruth').replace(' ', '');
  const reference = await selfRefer(page, { given, family: 'Okafor', born: ['9', '11', '1959'], phone: '07700 900456' });

  await signIn(page, DEMO.coordinator.email);
  await acceptOnto(page, reference, 'Living with pain group');
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

test('a coordinator brings their own questionnaire, a person answers it and says what helped, and the answers are tagged by theme', async ({ page }) => {
  const title = unique('Getting out');
  const questionnaire = {
    resourceType: 'Questionnaire',
    title,
    status: 'active',
    extension: [{ url: 'https://example.org/fhir/StructureDefinition/scoring', valueCode: 'sum' }],
    item: [
      { linkId: 'intro', type: 'display', text: 'Think about the last month.' },
      {
        linkId: 'out', type: 'group', text: 'Going out', item: [
          { linkId: 'days', type: 'integer', text: 'On how many days did you go out?', required: true },
          {
            linkId: 'where', type: 'choice', text: 'Where did you go?', repeats: true,
            answerOption: [{ valueString: 'Shops' }, { valueString: 'Park' }],
          },
          { linkId: 'alone', type: 'boolean', text: 'Did you go on your own?' },
          { linkId: 'else', type: 'text', text: 'Anything else?' },
        ],
      },
    ],
  };
  await signIn(page, DEMO.coordinator.email);
  await page.goto('/questionnaires/import');
  await expectNoAxeViolations(page);
  await page.getByLabel('FHIR Questionnaire (JSON)').fill('{"resourceType": "Questionnaire", "item": []}');
  await page.getByRole('button', { name: 'Add questionnaire' }).click();
  await expect(page.getByRole('alert')).toContainText('Give the questionnaire a title');
  await expectNoAxeViolations(page);
  await page.getByLabel('FHIR Questionnaire (JSON)').fill(JSON.stringify(questionnaire));
  await page.getByRole('button', { name: 'Add questionnaire' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByText('Scored as the sum of its scored items')).toBeVisible();
  await expectNoAxeViolations(page);

  await page.goto('/programmes');
  await page.getByRole('link', { name: 'Living with pain group' }).click();
  await page.getByRole('link', { name: 'Choose the outcome questionnaires and their schedule' }).click();
  await page.getByRole('checkbox', { name: title }).check();
  await page.getByRole('button', { name: 'Save questionnaires' }).click();
  await expect(page.getByText('The questionnaires have been saved.')).toBeVisible();
  await expectNoAxeViolations(page);

  const given = unique('Alma').replace(' ', '');
  await signOut(page);
  const reference = await selfRefer(page, { given, family: 'Nwosu', born: ['3', '4', '1961'], phone: '07700 900457' });
  await signIn(page, DEMO.coordinator.email);
  await acceptOnto(page, reference, 'Living with pain group');
  await page.getByText('Record a consent given or withdrawn').click();
  await page.getByRole('radio', { name: 'Consent given' }).check();
  await page.getByRole('radio', { name: 'Send outcome questionnaires' }).check();
  await page.getByRole('radio', { name: 'Verbally' }).check();
  await page.getByRole('button', { name: 'Record consent' }).click();
  await page.getByRole('button', { name: 'Make a private link for End of support' }).click();
  const link = (await page.getByTestId('private-link').textContent())?.trim() ?? '';
  await signOut(page);

  await page.goto(new URL(link).pathname);
  await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'In your own words' })).toBeVisible();
  await expectNoAxeViolations(page);
  for (const group of await page.locator('.nhsuk-radios').all()) {
    await group.locator('input[type=radio]').first().check();
  }
  await page.getByLabel('On how many days did you go out?').fill('many');
  await page.getByRole('button', { name: 'Send answers' }).click();
  await expect(page.getByRole('alert')).toContainText('answer with a whole number');
  await expectNoAxeViolations(page);
  await page.getByLabel('On how many days did you go out?').fill('9');
  await page.getByRole('checkbox', { name: 'Park' }).check();
  await page.getByLabel('What has helped you most about the support?').fill('Someone who had been through it too');
  await page.getByRole('button', { name: 'Send answers' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Thank you' })).toBeVisible();

  await signIn(page, DEMO.coordinator.email);
  await page.goto('/feedback');
  await expect(page.getByText('Someone who had been through it too')).toBeVisible();
  const theme = unique('Shared experience');
  await page.getByLabel('New theme').fill(theme);
  await page.keyboard.press('Enter');
  await expect(page.getByText('The theme has been added.')).toBeVisible();
  const card = page.locator('.nhsuk-card', { hasText: 'Someone who had been through it too' });
  await card.getByRole('checkbox', { name: theme }).check();
  await card.getByRole('button', { name: /Save themes/ }).click();
  await expect(page.getByText('The themes have been saved.')).toBeVisible();
  await expectNoAxeViolations(page);
  await page.goto('/reports');
  await expect(page.getByRole('heading', { name: 'What people said' })).toBeVisible();
  await expect(page.getByRole('rowheader', { name: theme })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Cost per person supported' })).toBeVisible();
  await expectNoAxeViolations(page);
});
