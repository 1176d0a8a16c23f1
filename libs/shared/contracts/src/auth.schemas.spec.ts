import { describe, expect, it } from 'vitest';
import { Email, LoginInput, Password, PasswordMessages, RefreshInput, SessionIdInput, SignupInput, utf8ByteLength } from './auth.schemas';

/** The messages a value gets from the password policy, sorted ([] when it passes). */
function passwordMessages(value: unknown): string[] {
  const result = Password.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message).sort();
}

describe('Password policy', () => {
  it('accepts a strong, uncommon password', () => {
    expect(passwordMessages('Vx7#kQ9!mZ')).toEqual([]);
    expect(passwordMessages('correct-Horse-battery-9')).toEqual([]);
  });

  it.each<[string, string[]]>([
    ['', [PasswordMessages.required]],
    ['Xqz1!', [PasswordMessages.tooShort]],
    ['alllowercase1!', [PasswordMessages.upper]],
    ['ALLUPPERCASE1!', [PasswordMessages.lower]],
    ['NoDigitsHere!', [PasswordMessages.digit]],
    ['NoSymbols123x', [PasswordMessages.symbol]],
  ])('%j → exactly the failed rule', (value, messages) => {
    expect(passwordMessages(value)).toEqual([...messages].sort());
  });

  it('reports every failed rule, not only the first', () => {
    expect(passwordMessages('short')).toEqual(
      [PasswordMessages.tooShort, PasswordMessages.upper, PasswordMessages.digit, PasswordMessages.symbol].sort(),
    );
  });

  it('refuses a non-string with the "required" message', () => {
    expect(passwordMessages(undefined)).toEqual([PasswordMessages.required]);
    expect(passwordMessages(12345678)).toEqual([PasswordMessages.required]);
  });

  it('counts bytes (bcrypt’s limit), not characters: 72 bytes pass, 73 fail', () => {
    const at = (bytes: number) => `Vx7#${'q'.repeat(bytes - 4)}`;
    expect(utf8ByteLength(at(72))).toBe(72);
    expect(passwordMessages(at(72))).toEqual([]);
    expect(passwordMessages(at(73))).toEqual([PasswordMessages.tooLong]);
    const accented = `Vx7#${'é'.repeat(35)}`;
    expect(accented.length).toBe(39);
    expect(utf8ByteLength(accented)).toBe(74);
    expect(passwordMessages(accented)).toEqual([PasswordMessages.tooLong]);
    const emoji = `Vxqk7#zz${'😀'.repeat(16)}`; // 24 code points, 72 bytes
    expect(utf8ByteLength(emoji)).toBe(72);
    expect(passwordMessages(`${emoji}`)).toEqual([]);
    expect(passwordMessages(`${emoji}q`)).toEqual([PasswordMessages.tooLong]);
  });

  it('counts the minimum length in characters (code points), not UTF-16 units', () => {
    // 7 code points, 9 UTF-16 units.
    expect(passwordMessages('😀😀Xqz1!')).toEqual([PasswordMessages.tooShort]);
    expect(passwordMessages('😀😀Xqz1!w')).toEqual([]);
  });

  it.each(['P@ssw0rd1!', 'Summer2024!', 'Password123!', 'Qwerty123!', 'Welcome1!', 'Admin123!', 'Iloveyou1!', 'Letmein#2025'])(
    'refuses the common password %j with the "common" message only',
    (value) => {
      expect(passwordMessages(value)).toEqual([PasswordMessages.common]);
    },
  );

  it('messages are the ones the browser form shows', () => {
    expect(PasswordMessages).toMatchObject({
      tooShort: 'Password must be at least 8 characters',
      lower: 'Password must contain a lower-case letter',
      upper: 'Password must contain an upper-case letter',
      digit: 'Password must contain a digit',
      symbol: 'Password must contain a symbol',
      common: 'This password is too common; choose another',
    });
  });
});

describe('Email', () => {
  it('trims and lower-cases', () => {
    expect(Email.parse('  MiXeD.Case@Example.COM \n')).toBe('mixed.case@example.com');
  });

  it.each([
    ['', 'Email is required'],
    ['   ', 'Email is required'],
    ['not-an-email', 'Enter a valid email address'],
    ['a@', 'Enter a valid email address'],
    ['@example.com', 'Enter a valid email address'],
    ['two words@example.com', 'Enter a valid email address'],
    [`${'a'.repeat(250)}@example.com`, 'Email must be at most 254 characters'],
  ])('%j → %s', (value, message) => {
    const result = Email.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain(message);
  });

  it('refuses a non-string', () => {
    expect(Email.safeParse(42).error?.issues[0]?.message).toBe('Email is required');
  });
});

describe('auth inputs', () => {
  it('SignupInput applies the policy and refuses unknown keys', () => {
    expect(SignupInput.safeParse({ email: 'a@example.com', password: 'Vx7#kQ9!mZ' }).success).toBe(true);
    expect(SignupInput.safeParse({ email: 'a@example.com', password: 'P@ssw0rd1!' }).success).toBe(false);
    expect(SignupInput.safeParse({ email: 'a@example.com', password: 'Vx7#kQ9!mZ', role: 'admin' }).success).toBe(false);
  });

  it('LoginInput checks only presence and the byte limit (old passwords may predate the policy)', () => {
    expect(LoginInput.safeParse({ email: 'A@Example.com', password: 'weak' }).data).toEqual({ email: 'a@example.com', password: 'weak' });
    expect(LoginInput.safeParse({ email: 'a@example.com', password: '' }).error?.issues[0]?.message).toBe(PasswordMessages.required);
    expect(LoginInput.safeParse({ email: 'a@example.com', password: 'x'.repeat(73) }).error?.issues[0]?.message).toBe(PasswordMessages.tooLong);
  });

  it('RefreshInput is optional, strict and bounded', () => {
    expect(RefreshInput.safeParse(undefined).success).toBe(true);
    expect(RefreshInput.safeParse({}).success).toBe(true);
    expect(RefreshInput.safeParse({ refreshToken: 'x'.repeat(201) }).success).toBe(false);
    expect(RefreshInput.safeParse({ refreshToken: '' }).success).toBe(false);
    expect(RefreshInput.safeParse({ token: 'x' }).success).toBe(false);
  });

  it('SessionIdInput wants a UUID', () => {
    expect(SessionIdInput.safeParse({ sessionId: '3f1c1a52-9a55-4d4f-9a4e-1c2b3d4e5f60' }).success).toBe(true);
    expect(SessionIdInput.safeParse({ sessionId: 'abc' }).error?.issues[0]?.message).toBe('Session id must be a UUID');
  });
});
