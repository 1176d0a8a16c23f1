import { computed, effect, type EffectRef, inject, untracked } from '@angular/core';
import { AppErrorCode } from '@app/contracts';
import { type ApiError, AuthStore } from '@app/web-data-access';

/*
 * For pages whose data the server refuses until the address is verified (REQUIRE_EMAIL_VERIFICATION).
 * Here, not in data-access: everything there reaches the first screen's bundle, and this is only
 * needed once a page's code has loaded.
 */

/**
 * True when the server refused the call only because the signed-in user's address is not
 * verified yet: a 403 that verifying the address lifts. Asking again before that gets the same
 * answer, and it says nothing against the session.
 */
export function isEmailNotVerified(error: ApiError | null | undefined): boolean {
  return error?.status === 403 && error.appCode === AppErrorCode.EmailNotVerified;
}

/**
 * Calls `then` each time the signed-in user's address turns verified while they stay signed in:
 * the link opened in this tab or in another tab of this browser (which tells this one). Never for
 * a user who was verified already, nor for the next user to sign in. A page refused for an
 * unverified address asks again once, when that can work, rather than in a loop. Call in an
 * injection context; it stops with it.
 */
export function whenEmailVerified(then: () => void): EffectRef {
  const auth = inject(AuthStore);
  const standing = computed(
    () => {
      const user = auth.user();
      return user ? { id: user.id, verified: user.emailVerified } : null;
    },
    { equal: (a, b) => a?.id === b?.id && a?.verified === b?.verified },
  );
  let before = untracked(standing);
  return effect(() => {
    const now = standing();
    const turnedVerified = now !== null && now.verified && before !== null && before.id === now.id && !before.verified;
    before = now;
    if (turnedVerified) untracked(then);
  });
}
