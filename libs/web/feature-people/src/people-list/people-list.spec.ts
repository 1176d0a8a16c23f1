import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { AppErrorCode, ErrorMessages, type Person } from '@app/contracts';
import { AuthStore, authInterceptor } from '@app/web-data-access';
import { flushError, signIn, take, USER } from '@app/web-data-access/testing';
import { PeopleList } from './people-list';

const person = (id: number, firstName: string, lastName: string): Person => ({
  id,
  firstName,
  lastName,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('PeopleList', () => {
  let fixture: ComponentFixture<PeopleList>;
  let http: HttpTestingController;
  let host: HTMLElement;

  beforeEach(async () => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting(), provideRouter([{ path: 'people', component: PeopleList }])],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  async function open(q?: string): Promise<void> {
    fixture = TestBed.createComponent(PeopleList);
    if (q !== undefined) fixture.componentRef.setInput('q', q);
    host = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  async function answer(respond: (request: TestRequest) => void): Promise<void> {
    const request = await vi.waitFor(() => {
      const [found] = http.match((r) => r.url.split('?')[0] === '/trpc/people.list');
      if (!found) throw new Error('no people.list yet');
      return found;
    });
    respond(request);
    await vi.waitFor(async () => {
      await fixture.whenStable();
      expect(host.querySelector('tbody tr.skeleton')).toBeNull();
    });
  }

  const text = () => host.querySelector('tbody')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

  it('shows placeholder rows (hidden from screen readers) until the first page arrives', async () => {
    await open();
    const placeholders = host.querySelectorAll('tbody tr.skeleton');
    expect(placeholders.length).toBe(8);
    expect([...placeholders].every((row) => row.getAttribute('aria-hidden') === 'true')).toBe(true);
    await answer((request) => request.flush({ result: { data: { items: [person(1, 'Ada', 'Lovelace')], nextCursor: null } } }));
    expect(text()).toContain('Ada');
  });

  it('says there is nobody yet, and offers to add the first person', async () => {
    await open();
    await answer((request) => request.flush({ result: { data: { items: [], nextCursor: null } } }));
    expect(text()).toContain('No people yet');
    expect(host.querySelector('tbody a[href="/people/new"]')?.textContent?.trim()).toBe('Add the first person');
  });

  it('says when a search matches no one, how search works, and offers to clear it', async () => {
    await open('zz');
    await answer((request) => request.flush({ result: { data: { items: [], nextCursor: null } } }));
    expect(text()).toContain('No one matches “zz”');
    expect(text()).toContain('Search looks at the start of first and last names');
    expect([...host.querySelectorAll('tbody button')].map((b) => b.textContent?.trim())).toEqual(['Clear search']);
  });

  it('never claims "no people" when the first load failed: it says it could not load them', async () => {
    await open();
    await answer((request) => request.error(new ProgressEvent('error'), { status: 0 }));
    expect(text()).not.toContain('No people yet');
    expect(text()).toContain('People could not be loaded');
    expect(host.querySelector('[role="alert"]')?.textContent).toContain('Couldn’t load people: Cannot reach the server');
  });

  describe('when the server wants a verified address first', () => {
    const UNVERIFIED = { ...USER, emailVerified: false };
    const prompt = () => host.querySelector('[data-testid="verification-required"]');

    beforeEach(async () => {
      await signIn(http, undefined, UNVERIFIED);
      await open();
      await answer((request) => flushError(request, 403, AppErrorCode.EmailNotVerified, ErrorMessages.emailNotVerified));
    });

    it('says so with the address and "Resend verification email" instead of the list, an error or Retry, and asks nothing more', async () => {
      expect(prompt()?.textContent).toContain('Your email address must be verified before you can use this page.');
      expect(prompt()?.textContent).toContain(UNVERIFIED.email);
      const buttons = [...host.querySelectorAll('button')].filter((b) => !b.closest('dialog')); // the closed delete confirmation's are not on screen
      expect(buttons.map((b) => b.textContent?.trim())).toEqual(['Resend verification email']);
      expect(host.querySelector('[role="alert"]')).toBeNull();
      expect(host.querySelector('table')).toBeNull();
      expect(host.querySelector('#people-search')).toBeNull();
      expect(host.querySelector('a[href="/people/new"]')).toBeNull();
      await fixture.whenStable();
      expect(take(http, 'auth.refresh')).toHaveLength(0);
      expect(take(http, 'people.list')).toHaveLength(0);
      expect(TestBed.inject(AuthStore).user()).toEqual(UNVERIFIED);
    });

    it('loads the list by itself once the address is verified (the link opened in another tab), without an error in between', async () => {
      TestBed.inject(AuthStore).updateUser(USER);
      await fixture.whenStable();
      expect(prompt()).toBeNull();
      expect(host.querySelector('[role="alert"]')).toBeNull();
      expect(host.querySelectorAll('tbody tr.skeleton').length).toBe(8);
      await answer((request) => request.flush({ result: { data: { items: [person(1, 'Ada', 'Lovelace')], nextCursor: null } } }));
      expect(text()).toContain('Ada');
      expect(host.querySelector('a[href="/people/new"]')).not.toBeNull();
    });
  });
});
