import { HttpTestingController } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { AppErrorCode, ErrorMessages } from '@app/contracts';
import { AuthStore } from '@app/web-data-access';
import { configureApiTesting, flushError, ok, person, settle, signIn, take, USER } from '@app/web-data-access/testing';
import { PersonForm } from './person-form';

const UNVERIFIED = { ...USER, emailVerified: false };

describe('PersonForm', () => {
  let fixture: ComponentFixture<PersonForm>;
  let http: HttpTestingController;
  let host: HTMLElement;

  beforeEach(() => {
    http = configureApiTesting();
  });

  afterEach(() => http.verify());

  async function openEdit(id: number): Promise<void> {
    fixture = TestBed.createComponent(PersonForm);
    fixture.componentRef.setInput('id', String(id));
    host = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  async function until(check: () => void): Promise<void> {
    await vi.waitFor(async () => {
      await fixture.whenStable();
      check();
    });
  }

  const prompt = () => host.querySelector('[data-testid="verification-required"]');
  const firstName = () => host.querySelector<HTMLInputElement>('#person-first-name');

  it('says the address must be verified when the server refuses the person for it, then loads them once it is', async () => {
    const auth = await signIn(http, undefined, UNVERIFIED);
    await openEdit(7);
    await settle();
    flushError(take(http, 'people.byId')[0]!, 403, AppErrorCode.EmailNotVerified, ErrorMessages.emailNotVerified);
    await until(() => expect(prompt()?.textContent).toContain(UNVERIFIED.email));
    expect(host.querySelector('[role="alert"]')).toBeNull();
    expect(host.querySelector('form')).toBeNull();
    expect(take(http, 'people.byId')).toHaveLength(0);

    auth.updateUser(USER);
    await fixture.whenStable();
    await settle();
    take(http, 'people.byId')[0]?.flush(ok(person(7)));
    await until(() => expect(firstName()?.value).toBe('First7'));
    expect(prompt()).toBeNull();
  });

  it('shows any other refusal as the error it is', async () => {
    await signIn(http, undefined, UNVERIFIED);
    await openEdit(7);
    await settle();
    flushError(take(http, 'people.byId')[0]!, 403, AppErrorCode.Forbidden, ErrorMessages.forbidden);
    await until(() => expect(host.querySelector('[role="alert"]')?.textContent).toBe(ErrorMessages.forbidden));
    expect(prompt()).toBeNull();
    expect(TestBed.inject(AuthStore).user()).toEqual(UNVERIFIED);
  });
});
