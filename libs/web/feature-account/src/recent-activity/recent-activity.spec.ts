import { HttpTestingController } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { AuthEvent } from '@app/contracts';
import { configureApiTesting, ok, settle, signIn, take } from '@app/web-data-access/testing';
import { RecentActivity } from './recent-activity';

const CHROME_LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

const event = (id: number, type: AuthEvent['type'], detail: AuthEvent['detail'] = {}, userAgent: string | null = CHROME_LINUX): AuthEvent => ({
  id: String(id),
  type,
  createdAt: '2026-03-04T10:15:00.000Z',
  ip: id % 2 ? '203.0.113.7' : null,
  userAgent,
  detail,
});

describe('RecentActivity', () => {
  let fixture: ComponentFixture<RecentActivity>;
  let http: HttpTestingController;
  let host: HTMLElement;

  beforeEach(async () => {
    http = configureApiTesting();
    await signIn(http);
    fixture = TestBed.createComponent(RecentActivity);
    host = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  const rows = () =>
    [...host.querySelectorAll('tbody tr:not(.skeleton)')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()));

  async function answer(items: AuthEvent[], nextCursor: string | null = null): Promise<void> {
    await settle();
    take(http, 'auth.events')[0]?.flush(ok({ items, nextCursor }));
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(host.querySelector('tbody tr.skeleton')).toBeNull();
    });
  }

  it('lists each event in words, with its time, IP and device, under a labelled heading', async () => {
    expect(host.querySelectorAll('tbody tr.skeleton').length).toBe(3);
    await answer([
      event(5, 'signed_in', { sessionId: 's' }),
      event(4, 'sign_in_failed', {}, null),
      event(3, 'role_changed', { from: 'user', to: 'admin' }),
      event(2, 'signed_out', { allDevices: true }),
      event(1, 'password_reset', { otherSessionsEnded: 2 }),
    ]);
    const [first, ...others] = rows();
    expect(first?.[0]).toBe('Signed in');
    expect(first?.[1]).toMatch(/2026/);
    expect(first?.slice(2)).toEqual(['203.0.113.7', 'Chrome on Linux']);
    expect(others.map((row) => row[0])).toEqual(['Failed sign-in (wrong password)', 'Role changed (user → admin)', 'Signed out (every device)', 'Password reset']);
    expect(others[0]?.slice(2)).toEqual(['unknown', 'Unknown device']);
    expect(host.querySelector('time')?.getAttribute('datetime')).toBe('2026-03-04T10:15:00.000Z');
    expect(host.querySelector('tbody tr')?.querySelector('td[data-label="Device"]')?.getAttribute('title')).toBe(CHROME_LINUX);
    expect(host.querySelector('tbody tr.warning td')?.textContent?.trim()).toBe('Failed sign-in (wrong password)');
    expect(host.querySelector('section')?.getAttribute('aria-labelledby')).toBe('activity-heading');
  });

  it('loads more from the cursor and moves focus to the first new row', async () => {
    await answer([event(3, 'signed_in')], 'next');
    [...host.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Load more')?.click();
    await settle();
    const [request] = take(http, 'auth.events');
    expect(JSON.parse(new URL(request!.request.urlWithParams, 'http://app').searchParams.get('input') ?? '')).toEqual({ cursor: 'next', limit: 10 });
    request?.flush(ok({ items: [event(2, 'password_changed'), event(1, 'signed_up')], nextCursor: null }));
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(document.activeElement).toBe(host.querySelector('tr[data-row="1"]'));
    });
    expect(rows().map((row) => row[0])).toEqual(['Signed in', 'Password changed', 'Account created']);
  });

  it('says so when there is nothing yet', async () => {
    await answer([]);
    expect(rows()).toEqual([['No activity yet.']]);
  });

  it('offers Retry when the first load fails', async () => {
    await settle();
    take(http, 'auth.events')[0]?.error(new ProgressEvent('error'), { status: 0 });
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(host.querySelector('[role="alert"]')?.textContent).toContain('Couldn’t load your activity: Cannot reach the server');
    });
    [...host.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Retry')?.click();
    await answer([event(1, 'signed_in')]);
    expect(rows().map((row) => row[0])).toEqual(['Signed in']);
    expect(host.querySelector('[role="alert"]')).toBeNull();
    await vi.waitFor(() => expect(document.activeElement).toBe(host.querySelector('#activity-heading')));
  });
});
