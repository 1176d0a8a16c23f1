import { describe, expect, it } from 'vitest';
import { AccountMessages, ChangePasswordInput, LinkToken, RequestPasswordResetInput, ResetPasswordInput, VerifyEmailInput } from './account.schemas';
import { AuthEventsInput, UserEventsInput } from './auth-events.schemas';
import { PasswordMessages } from './auth.schemas';

/** Field → messages of a failed parse ({} when it passes). */
function fieldErrors(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of result.error?.issues ?? []) (out[String(issue.path[0] ?? '')] ??= []).push(issue.message);
  return out;
}

describe('ChangePasswordInput', () => {
  const valid = { currentPassword: 'old password', newPassword: 'Vx7#kQ9!mZ' };

  it('signs out other devices unless asked not to', () => {
    expect(ChangePasswordInput.parse(valid)).toEqual({ ...valid, signOutOtherDevices: true });
    expect(ChangePasswordInput.parse({ ...valid, signOutOtherDevices: false }).signOutOtherDevices).toBe(false);
  });

  it('the current password is only checked for presence and the byte limit (it may predate the policy)', () => {
    expect(ChangePasswordInput.safeParse({ ...valid, currentPassword: 'weak' }).success).toBe(true);
    expect(fieldErrors(ChangePasswordInput.safeParse({ ...valid, currentPassword: '' }))).toEqual({ currentPassword: [AccountMessages.currentPasswordRequired] });
    expect(fieldErrors(ChangePasswordInput.safeParse({ newPassword: valid.newPassword }))).toEqual({ currentPassword: [AccountMessages.currentPasswordRequired] });
    expect(fieldErrors(ChangePasswordInput.safeParse({ ...valid, currentPassword: 'x'.repeat(73) }))).toEqual({ currentPassword: [PasswordMessages.tooLong] });
  });

  it('the new password follows the shared policy, every failed rule on `newPassword`', () => {
    expect(fieldErrors(ChangePasswordInput.safeParse({ ...valid, newPassword: 'short' }))).toEqual({
      newPassword: [PasswordMessages.tooShort, PasswordMessages.upper, PasswordMessages.digit, PasswordMessages.symbol],
    });
    expect(fieldErrors(ChangePasswordInput.safeParse({ ...valid, newPassword: 'P@ssw0rd1!' }))).toEqual({ newPassword: [PasswordMessages.common] });
  });

  it('the new password must differ from the current one', () => {
    expect(fieldErrors(ChangePasswordInput.safeParse({ currentPassword: 'Vx7#kQ9!mZ', newPassword: 'Vx7#kQ9!mZ' }))).toEqual({
      newPassword: [AccountMessages.samePassword],
    });
  });

  it('refuses unknown keys and a non-boolean signOutOtherDevices', () => {
    expect(ChangePasswordInput.safeParse({ ...valid, userId: 'x' }).success).toBe(false);
    expect(fieldErrors(ChangePasswordInput.safeParse({ ...valid, signOutOtherDevices: 'yes' }))).toEqual({
      signOutOtherDevices: ['signOutOtherDevices must be true or false'],
    });
  });
});

describe('reset and verification inputs', () => {
  it('RequestPasswordResetInput normalises the email like signup', () => {
    expect(RequestPasswordResetInput.parse({ email: '  Ada@Example.COM ' })).toEqual({ email: 'ada@example.com' });
    expect(RequestPasswordResetInput.safeParse({ email: 'nope' }).success).toBe(false);
  });

  it('ResetPasswordInput wants a token and a new password that meets the policy', () => {
    const token = 'a'.repeat(43);
    expect(ResetPasswordInput.parse({ token: ` ${token} `, newPassword: 'Vx7#kQ9!mZ' })).toEqual({ token, newPassword: 'Vx7#kQ9!mZ' });
    expect(fieldErrors(ResetPasswordInput.safeParse({ token: '', newPassword: 'weak' }))).toEqual({
      token: [AccountMessages.tokenMissing],
      newPassword: [PasswordMessages.tooShort, PasswordMessages.upper, PasswordMessages.digit, PasswordMessages.symbol],
    });
  });

  it('a link token is bounded in length, with messages that say what to do', () => {
    expect(fieldErrors(VerifyEmailInput.safeParse({}))).toEqual({ token: [AccountMessages.tokenMissing] });
    expect(fieldErrors(VerifyEmailInput.safeParse({ token: 'x'.repeat(201) }))).toEqual({ token: [AccountMessages.tokenMalformed] });
    expect(LinkToken.parse('x'.repeat(200))).toHaveLength(200);
  });
});

describe('auth events inputs', () => {
  it('page like the other lists', () => {
    expect(AuthEventsInput.parse(undefined)).toEqual({ limit: 20 });
    expect(AuthEventsInput.safeParse({ limit: 101 }).success).toBe(false);
    expect(UserEventsInput.safeParse({ userId: 'nope' }).error?.issues[0]?.message).toBe('User id must be a UUID');
    expect(UserEventsInput.parse({ userId: '3f1c1a52-9a55-4d4f-9a4e-1c2b3d4e5f60' })).toEqual({
      userId: '3f1c1a52-9a55-4d4f-9a4e-1c2b3d4e5f60',
      limit: 20,
    });
  });
});
