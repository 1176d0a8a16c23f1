import { randomBytes } from 'node:crypto';

let counter = 0;

/** A unique, valid email. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}.${Date.now().toString(36)}.${counter}.${randomBytes(3).toString('hex')}@example.com`;
}

/** A password that satisfies the policy and is not common. */
export function strongPassword(): string {
  return `Vx7#${randomBytes(6).toString('base64url')}q`;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
