import { expect, test, type Page } from '@playwright/test';
import {
  DEMO,
  DESKTOP_WIDTH,
  PHONE_WIDTH,
  expectAxeFindsNothing,
  expectNoAxeViolations,
  expectNoSidewaysScroll,
  expectTextSpacingFits,
  expectTextZoomFits,
  signIn,
  unique,
} from './support';

/**
 * Tabs through the whole page and checks that every visible link, button,
 * field and scrolling region takes focus in turn, that focus is always
 * visible and never trapped.
 */
async function everyControlTakesFocus(page: Page): Promise<void> {
  const controls = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('a[href], button, input:not([type=hidden]), textarea, select, [tabindex="0"]'))
      // Rendered: not hidden, nor inside a closed <details> (whose content keeps its boxes).
      .filter((el) => el.checkVisibility())
      // Deliberately out of reach: hidden from assistive technology and the tab order (the bots' field).
      .filter((el) => !(el.tabIndex < 0 && el.closest('[aria-hidden="true"]')))
      // One stop per radio group, its chosen radio or else its first: arrow keys move within it.
      .filter((el) => {
        if (!(el instanceof HTMLInputElement) || el.type !== 'radio') return true;
        const group = Array.from(document.querySelectorAll<HTMLInputElement>('input[type=radio]')).filter(
          (r) => r.name === el.name && r.form === el.form,
        );
        return el === (group.find((r) => r.checked) ?? group[0]);
      })
      .map((el) => el.id || el.getAttribute('href') || el.getAttribute('aria-labelledby') || el.textContent?.trim() || el.outerHTML.slice(0, 60)),
  );
  const reached = new Set<string>();
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < controls.length + 5; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const visible = style.outlineStyle !== 'none' || style.boxShadow !== 'none' || style.backgroundColor !== 'rgba(0, 0, 0, 0)';
      return { key: el.id || el.getAttribute('href') || el.getAttribute('aria-labelledby') || el.textContent?.trim() || el.outerHTML.slice(0, 60), visible };
    });
    if (!focused) continue;
    expect(focused.visible, `focus is visible on ${focused.key} at ${page.url()}`).toBe(true);
    reached.add(focused.key);
  }
  const missed = controls.filter((c) => !reached.has(c));
  expect(missed, `controls Tab never reached on ${page.url()}`).toEqual([]);
}

/**
 * Every check a page gets without acting on it. Loaded at 320 CSS pixels wide:
 * it does not scroll sideways (WCAG 1.4.10), axe finds nothing, and the text
 * spacing of WCAG 1.4.12 fits. Then at 1280: text at 200% fits (WCAG 1.4.4),
 * axe finds nothing, and every control takes focus in turn.
 */
async function sweep(page: Page, path: string): Promise<void> {
  await page.setViewportSize(PHONE_WIDTH);
  await page.goto(path);
  await expectNoSidewaysScroll(page, 'at 320 CSS pixels wide');
  await expectAxeFindsNothing(page);
  await expectTextSpacingFits(page);
  await page.setViewportSize(DESKTOP_WIDTH);
  await expectTextZoomFits(page);
  await expectAxeFindsNothing(page);
  await everyControlTakesFocus(page);
}

/** The `href` of the first link (named `name`, if given) in the main content's first table, on the page at `path`. */
async function recordLink(page: Page, path: string, name?: string): Promise<string> {
  await page.goto(path);
  const links = page.locator('#maincontent table').first().getByRole('link', name ? { name } : {});
  const href = await links.first().getAttribute('href');
  expect(href, `a record linked from ${path}`).toBeTruthy();
  return `${href}`;
}

test('every public page reflows, takes text spacing and zoom, passes axe and works by keyboard', async ({ page }) => {
  const pages = [
    '/', '/sign-in', '/password-reset', '/password-reset/no-such-link', '/no-such-page',
    '/refer/alongside-demo-peer-support', '/problems/validation-failed',
  ];
  for (const path of pages) {
    await sweep(page, path);
  }
});

test('every signed-in page reflows, takes text spacing and zoom, passes axe and works by keyboard', async ({ page }) => {
  await signIn(page, DEMO.admin.email);
  // Long, unbroken details wherever the pages show them: names, an email
  // address, a contact, a reason and an address.
  const referral = await referWithLongDetails(page);
  const programme = await recordLink(page, '/programmes');
  const supporter = await recordLink(page, '/supporters');
  const colleague = await recordLink(page, '/staff', 'Helen Price');
  const pages = [
    '/dashboard', '/programmes', '/programmes?archived=1', '/programmes/new',
    programme, `${programme}/edit`, `${programme}/matching`, `${programme}/outcomes`, `${programme}/costs`,
    '/questionnaires/wemwbs/wording', '/questionnaires', '/questionnaires/import',
    '/account', '/account/password', '/account/tokens', '/account/sessions',
    '/staff', '/staff/invite', colleague, `${colleague}/remove`, '/audit',
    '/referrals', '/referrals?view=done', '/referrals/new', referral, '/my-referrals', '/referrals/import',
    '/supporters', supporter, `${supporter}/edit`, '/reports', '/feedback',
  ];
  // Each page takes a few seconds: axe twice, and a Tab for each control.
  test.setTimeout(10_000 * pages.length);
  for (const path of pages) {
    await sweep(page, path);
  }
});

/** Refers someone whose details have long words in them; returns the path of the referral's page. */
async function referWithLongDetails(page: Page): Promise<string> {
  const given = unique('Bartholomew-Maximilian').replace(' ', '-');
  await page.goto('/referrals/new');
  await page.getByRole('radio', { name: 'Link worker (social prescribing)' }).check();
  await page.getByLabel('Your name').fill('Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh');
  await page.getByLabel('Your practice, team or organisation').fill('Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch-Community-Partnership');
  await page.getByLabel(/How to reach you/).fill('social.prescribing.link.workers.team@llanfairpwllgwyngyll-health-partnership.example.org');
  await page.getByLabel('First name', { exact: true }).fill(given);
  await page.getByLabel('Last name').fill('Cholmondeley-Featherstonehaugh-Wolfeschlegelsteinhausenberger');
  await page.getByLabel('Day').fill('3');
  await page.getByLabel('Month').fill('4');
  await page.getByLabel('Year').fill('1950');
  await page.getByLabel(/^Address/).fill('Flat 12b, Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch House\nhttps://maps.example.org/place/llanfairpwllgwyngyll-health-centre-and-community-hub');
  await page.getByLabel('Postcode').fill('LL61 5UJ');
  await page.getByLabel('Phone number').fill('+44 7700 900123');
  await page.getByLabel(/^Email address/).fill('bartholomew.maximilian.cholmondeley-featherstonehaugh@extremely-long-domain-name-for-testing.example.org');
  await page.getByLabel('Reason for referral').fill('Pneumonoultramicroscopicsilicovolcanoconiosis and supercalifragilisticexpialidocious worries');
  await page.getByRole('radio', { name: 'Yes', exact: true }).check();
  await page.getByLabel('If yes, what the risk is').fill('Dog at https://example.org/a-very-long-address/that-goes-on-and-on-without-a-single-space-in-it');
  await page.getByLabel(/agreed to this referral/).check();
  await page.getByRole('radio', { name: 'Verbally' }).check();
  await page.getByRole('button', { name: 'Send referral' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Referral sent' })).toBeVisible();
  const reference = (await page.getByTestId('referral-reference').textContent())?.trim() ?? '';
  await expectNoAxeViolations(page);
  return recordLink(page, `/referrals?q=${reference}`);
}
