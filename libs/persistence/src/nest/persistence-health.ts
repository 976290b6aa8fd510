import { MikroORM } from '@mikro-orm/core';
import { Injectable } from '@nestjs/common';

export type PingResult = { ok: true } | { ok: false; reason: string };

/** Readiness probe for the service's database: a cheap round trip, bounded in time. */
@Injectable()
export class PersistenceHealth {
  constructor(private readonly orm: MikroORM) {}

  async ping(timeoutMs = 2000): Promise<PingResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<PingResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${timeoutMs} ms` }), timeoutMs);
    });
    try {
      // MikroORM 7 connects lazily: connect first, or an idle process would report "not established".
      const connection = this.orm.em.getConnection();
      const check = connection
        .ensureConnection()
        .then(() => connection.checkConnection())
        .then((r): PingResult => (r.ok ? { ok: true } : { ok: false, reason: r.reason }))
        .catch((error: unknown): PingResult => ({ ok: false, reason: error instanceof Error ? error.message : String(error) }));
      return await Promise.race([check, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
