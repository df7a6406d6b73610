import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'alongside-demo';
export const ORGANISATION = 'Alongside Demo Peer Support';

/** The demo accounts that `alongside serve` loads into an empty database. */
export const DEMO = {
  admin: { email: 'admin@demo.alongside.test', role: 'Admin' },
  coordinator: { email: 'coordinator@demo.alongside.test', role: 'Coordinator' },
  supervisor: { email: 'supervisor@demo.alongside.test', role: 'Supervisor' },
  safeguarding: { email: 'safeguarding@demo.alongside.test', role: 'Safeguarding lead' },
  peer: { email: 'peer@demo.alongside.test', role: 'Peer supporter' },
  referrer: { email: 'referrer@demo.alongside.test', role: 'Referrer' },
  commissioner: { email: 'commissioner@demo.alongside.test', role: 'Commissioner' },
  participant: { email: 'participant@demo.alongside.test', role: 'Participant' },
} as const;

export const FORBIDDEN = 'You do not have permission to see this page';

/** Someone who refers themself online; returns the referral's reference. */
export async function selfRefer(
  page: Page,
  person: { given: string; family: string; born: [string, string, string]; phone: string },
): Promise<string> {
  await page.goto('/refer/alongside-demo-peer-support');
  await page.getByLabel('First name').fill(person.given);
  await page.getByLabel('Last name').fill(person.family);
  await page.getByLabel('Day').fill(person.born[0]);
  await page.getByLabel('Month').fill(person.born[1]);
  await page.getByLabel('Year').fill(person.born[2]);
  await page.getByLabel('Postcode').fill('ls7 3aa');
  await page.getByLabel('Phone number').fill(person.phone);
  await page.getByLabel(/keeps these details/).check();
  await page.getByRole('button', { name: 'Send' }).click();
  return (await page.getByTestId('referral-reference').textContent())?.trim() ?? '';
}

/** A signed-in coordinator accepts the referral onto a programme's waiting list. */
export async function acceptOnto(page: Page, reference: string, programme: string): Promise<void> {
  await page.goto(`/referrals?q=${reference}`);
  await page.getByRole('link', { name: reference }).click();
  await page.getByRole('button', { name: 'Start triage' }).click();
  await page.getByRole('radio', { name: "Accept onto a programme's waiting list" }).check();
  await page.getByRole('radio', { name: programme }).check();
  await page.getByRole('button', { name: 'Save decision' }).click();
}

/** A name no other test (or earlier run against the same server) has used. */
export function unique(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/**
 * Fails the test on any WCAG 2.0/2.1/2.2 A or AA violation axe finds on the
 * page as it is now, listing each rule with the elements that break it. Axe
 * cannot see reflow (WCAG 1.4.10), so this also checks that the page, as it
 * is now, does not scroll sideways at 320 CSS pixels wide
 * (see {@link expectReflowsAtPhoneWidth}).
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  await expectAxeFindsNothing(page);
  await expectReflowsAtPhoneWidth(page);
}

/** Axe's WCAG 2.0/2.1/2.2 A and AA rules on the page as it is now, at the present viewport. */
export async function expectAxeFindsNothing(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  const report = results.violations
    .map((v) =>
      [
        `- ${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}`,
        `  ${v.helpUrl}`,
        ...v.nodes.map((n) => `  at ${n.target.join(' ')}\n    ${n.html}\n    ${(n.failureSummary ?? '').replace(/\n/g, '\n    ')}`),
      ].join('\n'),
    )
    .join('\n');
  expect(
    results.violations.length,
    `axe found ${results.violations.length} accessibility violation(s) on ${page.url()}:\n${report}\n`,
  ).toBe(0);
}

/** Presses Tab (or Shift+Tab) until `isTarget` says the focused element is the one wanted. */
export async function tabTo(
  page: Page,
  isTarget: () => Promise<boolean>,
  { backwards = false, limit = 60 } = {},
): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    if (await isTarget()) return;
  }
  throw new Error(`could not reach the wanted element with ${limit} presses of ${backwards ? 'Shift+Tab' : 'Tab'} on ${page.url()}`);
}

/** Whether `locator` is the focused element. */
export function focused(locator: Locator): () => Promise<boolean> {
  return () => locator.evaluate((el) => el === document.activeElement).catch(() => false);
}

/** Signs in with the keyboard only: Tab to each field, type, Enter; lands on the dashboard. */
export async function signInWithKeyboard(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await expectNoAxeViolations(page);
  await tabTo(page, focused(page.getByLabel('Email address')));
  await page.keyboard.type(email);
  await tabTo(page, focused(page.getByLabel('Password', { exact: true })));
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/dashboard$/);
  await expectNoAxeViolations(page);
}

/** Signs in by filling the form; lands on the dashboard. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await expectNoAxeViolations(page);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expectNoAxeViolations(page);
}

/** Asserts the dashboard names the role and the organisation of whoever is signed in. */
export async function expectDashboardFor(page: Page, roleLabel: string): Promise<void> {
  await expect(page).toHaveURL(/\/dashboard$/);
  const main = page.locator('#maincontent');
  await expect(main).toContainText(roleLabel);
  await expect(main).toContainText(ORGANISATION);
}

/** Signs out with the header's button (with the keyboard if asked) and checks the sign-in page says so. */
export async function signOut(page: Page, { keyboard = false } = {}): Promise<void> {
  const button = page.getByRole('button', { name: 'Sign out' });
  if (keyboard) {
    await tabTo(page, focused(button));
    await page.keyboard.press('Space');
  } else {
    await button.click();
  }
  await expect(page).toHaveURL(/\/sign-in([?#].*)?$/);
  await expect(page.getByText('You have signed out')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  await expectNoAxeViolations(page);
}

export interface Account {
  email: string;
  password: string;
  name: string;
}

/**
 * As an admin, invites a new member of staff with `role`, signs out, and takes
 * up the invitation; ends signed in as the new account, on the dashboard.
 * Leaves the demo accounts as they were.
 */
export async function inviteAndJoin(page: Page, role: string, name: string): Promise<Account> {
  const account = {
    email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.org`,
    password: 'a fine long passphrase',
    name,
  };
  await signIn(page, DEMO.admin.email);
  await page.getByRole('link', { name: 'Staff', exact: true }).click();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Invite a member of staff' }).click();
  await expectNoAxeViolations(page);
  await page.getByLabel('Email address').fill(account.email);
  await page.getByRole('radio', { name: role, exact: true }).check();
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const link = (await page.getByTestId('invitation-link').textContent())?.trim() ?? '';
  expect(link).toMatch(/^https?:\/\/\S+$/);
  await expectNoAxeViolations(page);
  await signOut(page);

  await page.goto(link);
  await expectNoAxeViolations(page);
  await page.getByLabel('Your name').fill(account.name);
  await page.getByLabel('Create a password').fill(account.password);
  await page.getByLabel('Confirm password').fill(account.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectDashboardFor(page, role);
  await expectNoAxeViolations(page);
  return account;
}

/** A small phone: WCAG 1.4.10 asks for no sideways scrolling at 320 CSS pixels wide. */
export const PHONE_WIDTH = { width: 320, height: 640 };
/** The desktop width at which text is zoomed to 200% (WCAG 1.4.4). */
export const DESKTOP_WIDTH = { width: 1280, height: 720 };

/**
 * Fails when the page as it is now scrolls sideways as a whole at the present
 * viewport, naming what is too wide: the elements that stick out of their
 * containers furthest past its right edge or, failing those, the innermost
 * elements whose text does not fit them. Content inside its own scrolling
 * container does not count, only the container's own box.
 */
export async function expectNoSidewaysScroll(page: Page, how = ''): Promise<void> {
  const overflow = await page.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return null;
    const right = (el: Element) => el.getBoundingClientRect().right + window.scrollX;
    const insideScroller = (el: Element) => {
      for (let up = el.parentElement; up && up !== document.body && up !== root; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== 'visible') return true;
      }
      return false;
    };
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${Array.from(el.classList).slice(0, 2).map((c) => `.${c}`).join('')}`;
    const describe = (el: Element) => {
      const parent = el.parentElement ?? root;
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 60);
      return (
        `${name(el)} (${Math.round(el.getBoundingClientRect().width)}px wide, right edge at ${Math.round(right(el))}px, ` +
        `in ${name(parent)} ${Math.round(parent.getBoundingClientRect().width)}px wide)${text ? `: "${text}"` : ''}`
      );
    };
    const all = Array.from(document.body.querySelectorAll('*')).filter((el) => !insideScroller(el));
    // Boxes that stick out of their own container past the edge, furthest first.
    const boxes = all
      .filter((el) => right(el) > root.clientWidth + 0.5 && right(el) > right(el.parentElement ?? root) + 0.5)
      .sort((a, b) => right(b) - right(a))
      .slice(0, 3)
      .map(describe);
    // Else text wider than its box (a long word that does not wrap): the innermost such box.
    const spilling = all.filter(
      (el) => el.scrollWidth > el.clientWidth + 1 && el.getBoundingClientRect().left + el.scrollWidth > root.clientWidth + 0.5,
    );
    const texts = spilling
      .filter((el) => !spilling.some((other) => other !== el && el.contains(other)))
      .slice(0, 3)
      .map((el) => `${describe(el)}, its content ${el.scrollWidth}px wide`);
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits: boxes.length ? boxes : texts };
  });
  expect(
    overflow,
    overflow
      ? `${page.url()} scrolls sideways${how ? ` ${how}` : ''}: the page is ${overflow.scrollWidth}px wide in a ${overflow.clientWidth}px viewport. ` +
          `Too wide: ${overflow.culprits.join('; ') || 'nothing found'}`
      : '',
  ).toBeNull();
}

/** Runs `check` with the viewport at `size`, then puts the viewport back as it was. */
async function atViewport(page: Page, size: { width: number; height: number }, check: () => Promise<void>): Promise<void> {
  const before = page.viewportSize();
  if (before && before.width === size.width && before.height === size.height) {
    await check();
    return;
  }
  await page.setViewportSize(size);
  try {
    await check();
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

/** WCAG 1.4.10 Reflow: the page as it is now does not scroll sideways at 320 CSS pixels wide. */
export async function expectReflowsAtPhoneWidth(page: Page): Promise<void> {
  await atViewport(page, PHONE_WIDTH, () => expectNoSidewaysScroll(page, 'at 320 CSS pixels wide'));
}

/**
 * Adds a style sheet to the page for the length of `check`. A constructed
 * sheet, because the pages' Content-Security-Policy refuses `<style>` elements.
 */
async function withStyles(page: Page, css: string, check: () => Promise<void>): Promise<void> {
  await page.evaluate((text) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    (window as unknown as { __testSheet: CSSStyleSheet }).__testSheet = sheet;
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  }, css);
  try {
    await check();
  } finally {
    await page.evaluate(() => {
      const sheet = (window as unknown as { __testSheet?: CSSStyleSheet }).__testSheet;
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
    });
  }
}

/**
 * Fails when any element cuts off its own content: overflow hidden or clipped
 * in a direction its content is larger than its box, or text whose lines are
 * set closer than the size of its letters (so they overlap). Things hidden
 * from sight (the visually hidden text for screen readers) are skipped.
 */
async function expectNothingCutOff(page: Page, how: string): Promise<void> {
  const cut = await page.evaluate(() => {
    const clips = (value: string) => value === 'hidden' || value === 'clip';
    const describe = (el: Element) => {
      const classes = Array.from(el.classList).slice(0, 2).map((c) => `.${c}`).join('');
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 50);
      return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${classes}${text ? ` "${text}"` : ''}`;
    };
    const found: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue; // visually hidden (or the bots' field), or not shown
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden') continue;
      if (clips(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
        found.push(`${describe(el)} cuts off ${el.scrollWidth - el.clientWidth}px of its content sideways`);
      }
      if (clips(style.overflowY) && el.scrollHeight > el.clientHeight + 1) {
        found.push(`${describe(el)} cuts off ${el.scrollHeight - el.clientHeight}px of its content at the bottom`);
      }
      const ownText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
      const lineHeight = parseFloat(style.lineHeight);
      if (ownText && !Number.isNaN(lineHeight) && lineHeight < parseFloat(style.fontSize) * 0.95) {
        found.push(`${describe(el)} sets lines ${Math.round(lineHeight)}px apart in ${style.fontSize} text, so they overlap`);
      }
    }
    return found.slice(0, 8);
  });
  expect(cut, `on ${page.url()} ${how}`).toEqual([]);
}

/** The text spacing WCAG 1.4.12 says a reader may set, as a user style sheet would. */
const TEXT_SPACING = `
  * { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
  p { margin-bottom: 2em !important; }
`;

/**
 * WCAG 1.4.12 Text spacing, at 320 CSS pixels wide: with the spacing
 * overridden, the page still does not scroll sideways and no box cuts off
 * its text.
 */
export async function expectTextSpacingFits(page: Page): Promise<void> {
  await atViewport(page, PHONE_WIDTH, () =>
    withStyles(page, TEXT_SPACING, async () => {
      // The override really applies (a refused style sheet would pass everything).
      const spacing = await page.evaluate(() => {
        const p = document.querySelector('main p, main h1') ?? document.body;
        const style = getComputedStyle(p);
        return parseFloat(style.letterSpacing) / parseFloat(style.fontSize);
      });
      expect(spacing, `the text spacing override did not apply on ${page.url()}`).toBeCloseTo(0.12, 2);
      const how = 'with the text spacing of WCAG 1.4.12 at 320 CSS pixels wide';
      await expectNoSidewaysScroll(page, how);
      await expectNothingCutOff(page, how);
    }),
  );
}

/**
 * WCAG 1.4.4 Resize text, at 1280 CSS pixels wide: with text at 200% (the
 * root font size doubled, which every text size of the NHS.UK frontend and
 * ours follows), the page does not scroll sideways, no box cuts off its text
 * and no lines overlap.
 */
export async function expectTextZoomFits(page: Page): Promise<void> {
  await atViewport(page, DESKTOP_WIDTH, async () => {
    const sizes = () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll('main p, main h1, main th, main td, main label, main li, header a, footer p')).map((el) =>
          parseFloat(getComputedStyle(el).fontSize),
        ),
      );
    const before = await sizes();
    await withStyles(page, 'html { font-size: 200% !important; }', async () => {
      const after = await sizes();
      // Every text size doubled: a size in pixels would not follow the reader's setting.
      const unscaled = after.filter((size, i) => size < before[i] * 1.95).length;
      expect(unscaled, `${unscaled} of ${after.length} text elements on ${page.url()} did not grow to 200%`).toBe(0);
      const how = 'with text at 200% at 1280 CSS pixels wide';
      await expectNoSidewaysScroll(page, how);
      await expectNothingCutOff(page, how);
    });
  });
}
