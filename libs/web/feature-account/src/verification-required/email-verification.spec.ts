import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { AppErrorCode, ErrorMessages, type User } from '@app/contracts';
import { type AuthStore, toApiError } from '@app/web-data-access';
import { configureApiTesting, signIn, USER } from '@app/web-data-access/testing';
import { TRPCClientError } from '@trpc/client';
import { isEmailNotVerified, whenEmailVerified } from './email-verification';

const UNVERIFIED: User = { ...USER, emailVerified: false };
const SOMEONE_ELSE: User = { ...USER, id: '00000000-0000-4000-8000-000000000002', email: 'grace@example.com' };

describe('isEmailNotVerified', () => {
  const refused = (httpStatus: number, appCode: string, message: string) =>
    toApiError(TRPCClientError.from({ error: { message, code: -32003, data: { httpStatus, appCode } } }));

  it('tells a refusal for an unverified address from other refusals and failures', () => {
    const unverified = refused(403, AppErrorCode.EmailNotVerified, ErrorMessages.emailNotVerified);
    expect(isEmailNotVerified(unverified)).toBe(true);
    expect(unverified.message).toBe(ErrorMessages.emailNotVerified);
    expect(isEmailNotVerified(refused(403, AppErrorCode.Forbidden, ErrorMessages.forbidden))).toBe(false);
    expect(isEmailNotVerified(refused(409, AppErrorCode.EmailAlreadyVerified, ErrorMessages.emailAlreadyVerified))).toBe(false);
    expect(isEmailNotVerified(toApiError(new Error('offline')))).toBe(false);
    expect(isEmailNotVerified(null)).toBe(false);
  });
});

describe('whenEmailVerified', () => {
  let http: HttpTestingController;
  let calls: number;

  beforeEach(() => {
    http = configureApiTesting();
    calls = 0;
  });

  afterEach(() => http.verify());

  function watch(): void {
    TestBed.runInInjectionContext(() => whenEmailVerified(() => calls++));
    TestBed.tick();
  }

  it('calls back once when the signed-in user’s address turns verified, not again on later updates', async () => {
    const auth = await signIn(http, undefined, UNVERIFIED);
    watch();
    auth.updateUser(UNVERIFIED);
    TestBed.tick();
    expect(calls).toBe(0);
    auth.updateUser(USER);
    TestBed.tick();
    expect(calls).toBe(1);
    auth.updateUser({ ...USER });
    TestBed.tick();
    expect(calls).toBe(1);
  });

  it('does not call back for a user who was verified already', async () => {
    const auth = await signIn(http);
    watch();
    auth.updateUser({ ...USER });
    TestBed.tick();
    expect(calls).toBe(0);
  });

  it('does not call back when a verified user signs in after an unverified one', async () => {
    await signIn(http, undefined, UNVERIFIED);
    watch();
    const auth: AuthStore = await signIn(http, undefined, SOMEONE_ELSE);
    TestBed.tick();
    expect(auth.user()).toEqual(SOMEONE_ELSE);
    expect(calls).toBe(0);
  });
});
