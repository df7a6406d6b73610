import { expect, test, type Page } from '@playwright/test';
import { DEMO, expectNoAxeViolations, signIn } from './support';

/**
 * Tabs through the whole page and checks that every visible link, button and
 * field takes focus in turn, that focus is always visible and never trapped.
 */
async function everyControlTakesFocus(page: Page): Promise<void> {
  const controls = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('a[href], button, input:not([type=hidden]), textarea, select'))
      .filter((el) => el.offsetParent !== null || el.getClientRects().length > 0)
      // Deliberately out of reach: hidden from assistive technology and the tab order (the bots' field).
      .filter((el) => !(el.tabIndex < 0 && el.closest('[aria-hidden="true"]')))
      // One stop per radio group: arrow keys move within it.
      .filter((el) => !(el instanceof HTMLInputElement && el.type === 'radio' && !el.id.match(/^[a-z_]+$/)))
      .map((el) => el.id || el.getAttribute('href') || el.textContent?.trim() || el.outerHTML.slice(0, 60)),
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
      return { key: el.id || el.getAttribute('href') || el.textContent?.trim() || el.outerHTML.slice(0, 60), visible };
    });
    if (!focused) continue;
    expect(focused.visible, `focus is visible on ${focused.key} at ${page.url()}`).toBe(true);
    reached.add(focused.key);
  }
  const missed = controls.filter((c) => !reached.has(c));
  expect(missed, `controls Tab never reached on ${page.url()}`).toEqual([]);
}

test('every control of the public pages is reachable by keyboard', async ({ page }) => {
  for (const path of ['/', '/sign-in', '/no-such-page', '/refer/alongside-demo-peer-support']) {
    await page.goto(path);
    await everyControlTakesFocus(page);
  }
});

test('every control of the signed-in pages is reachable by keyboard', async ({ page }) => {
  await signIn(page, DEMO.admin.email);
  await page.goto('/programmes');
  const first = await page.getByRole('table').getByRole('link').first().getAttribute('href');
  const pages = ['/dashboard', '/programmes', '/programmes?archived=1', '/programmes/new', `${first}`, `${first}/edit`, `${first}/matching`, `${first}/outcomes`, `${first}/costs`, '/questionnaires/wemwbs/wording', '/questionnaires', '/questionnaires/import', '/account', '/account/password', '/account/tokens', '/staff', '/staff/invite', '/audit', '/referrals', '/referrals?view=done', '/referrals/new', '/my-referrals', '/supporters', '/supporters/new', '/reports', '/feedback', '/referrals/import'];
  for (const path of pages) {
    await page.goto(path);
    await expectNoAxeViolations(page);
    await everyControlTakesFocus(page);
  }
});
