/**
 * Checks a user's password for the login page and the password grant, with two locks:
 * - per username and, at a much higher threshold, per source address, in Redis (shared by every
 *   instance, any username, so the answer does not tell which accounts exist; see
 *   helpers/brute-force-guard.ts);
 * - per account, in the database (User.failedLogins / lockedUntil): after maxFailures consecutive
 *   failures the account is locked for lockSeconds, as WSO2 locks accounts. This one survives a
 *   Redis restart or outage, and a successful login clears it.
 */
import type { PrismaClient } from '@apim/db';
import { hashPassword, verifyPassword } from '@apim/service';
import type { BruteForceGuard } from '../helpers/brute-force-guard.js';

/** Compared against when the user does not exist, so both failures take the same time. */
const DUMMY_HASH = await hashPassword('timing-equaliser');

export type LoginResult =
  | { ok: true; username: string }
  /** retryAfter (seconds) when refused without looking at the password */
  | { ok: false; retryAfter?: number };

export interface UserLoginOptions {
  maxFailures: number;
  lockSeconds: number;
}

export class UserLogin {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly guard: BruteForceGuard,
    private readonly options: UserLoginOptions,
  ) {}

  /** `address`: the caller's, from callerAddress (never a client-written header). */
  async check(username: string, password: string, address: string): Promise<LoginResult> {
    const counters = this.guard.loginCounters(address, username);
    const keys = [counters.address, counters.user];
    const user = username ? await this.prisma.user.findUnique({ where: { username } }) : null;
    const lockedFor = user?.lockedUntil ? Math.ceil((user.lockedUntil.getTime() - Date.now()) / 1000) : 0;
    const wait = Math.max(lockedFor, await this.guard.retryAfter(keys));
    if (wait > 0) return { ok: false, retryAfter: wait };

    const matches = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !matches || !user.enabled) {
      await this.guard.recordFailure(keys);
      if (user) await this.countFailure(user.id);
      return { ok: false };
    }
    await this.guard.reset([counters.user]);
    if (user.failedLogins > 0 || user.lockedUntil)
      await this.prisma.$executeRaw`
        UPDATE user_account SET failed_logins = 0, locked_until = NULL WHERE id = ${user.id}::uuid`;
    return { ok: true, username: user.username };
  }

  /** One more consecutive failure; the last one allowed locks the account (and restarts the count). */
  private async countFailure(userId: string): Promise<void> {
    const { maxFailures, lockSeconds } = this.options;
    await this.prisma.$executeRaw`
      UPDATE user_account SET
        failed_logins = CASE WHEN failed_logins + 1 >= ${maxFailures} THEN 0 ELSE failed_logins + 1 END,
        locked_until = CASE WHEN failed_logins + 1 >= ${maxFailures}
          THEN now() + make_interval(secs => ${lockSeconds}) ELSE locked_until END
      WHERE id = ${userId}::uuid`;
  }
}
