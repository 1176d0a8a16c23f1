import bcrypt from 'bcrypt';

/**
 * bcrypt through its async API, which runs on libuv's thread pool and keeps the event loop free.
 * @see https://github.com/kelektiv/node.bcrypt.js#usage
 */
export class Passwords {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly cost: number) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(password, hash);
  }

  /**
   * Costs the same bcrypt work as a real comparison, for unknown emails, so response time
   * does not reveal whether an account exists.
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= bcrypt.hash('dummy-password-never-matches', this.cost);
    await bcrypt.compare(password, await this.dummyHash);
    return false;
  }

  /** Computes the dummy hash ahead of the first login. */
  async warmUp(): Promise<void> {
    this.dummyHash ??= bcrypt.hash('dummy-password-never-matches', this.cost);
    await this.dummyHash;
  }
}
