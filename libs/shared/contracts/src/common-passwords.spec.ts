import { describe, expect, it } from 'vitest';
import { isCommonPassword } from './common-passwords';

describe('isCommonPassword', () => {
  it.each([
    'password',
    'P@ssw0rd1!',
    'P@$$w0rd',
    'Summer2024!',
    'Winter2025#',
    'Password123!',
    'Qwerty123!',
    'qwertyuiop',
    'Welcome1!',
    'Admin123!',
    'L3tm3!n2024',
    'Iloveyou1!',
    'Monkey#99',
    '!!Dragon!!',
    'Aa123456!',
    '12345678',
    'Abc123!!',
  ])('%j is common', (value) => {
    expect(isCommonPassword(value)).toBe(true);
  });

  it.each(['Vx7#kQ9!mZ', 'correct-Horse-battery-9', 'Tr0ub4dor&3x', 'Admin#Demo2026', 'User#Demo2026', 'Zebra-Quokka-41!', 'Ünïcødé-Pässwörd-7'])(
    '%j is not common',
    (value) => {
      expect(isCommonPassword(value)).toBe(false);
    },
  );
});
