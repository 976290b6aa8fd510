/**
 * oidc-provider storage kept in process memory on purpose: the dev provider's sessions, codes and
 * refresh tokens die with it, like its generated signing key. One store per provider instance.
 */
type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string; consumed?: number };

export function memoryAdapterFactory(): new (name: string) => object {
  const store = new Map<string, { payload: Payload; expiresAt?: number }>();
  const live = (key: string): Payload | undefined => {
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  return class MemoryAdapter {
    constructor(private readonly name: string) {}

    private key(id: string): string {
      return `${this.name}:${id}`;
    }

    async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
      store.set(this.key(id), { payload: structuredClone(payload), expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
    }

    async find(id: string): Promise<Payload | undefined> {
      const payload = live(this.key(id));
      return payload ? structuredClone(payload) : undefined;
    }

    async findByUid(uid: string): Promise<Payload | undefined> {
      return this.findWhere((p) => p.uid === uid);
    }

    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      return this.findWhere((p) => p.userCode === userCode);
    }

    async consume(id: string): Promise<void> {
      const payload = live(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      store.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, entry] of store) if (entry.payload.grantId === grantId) store.delete(key);
    }

    private async findWhere(predicate: (payload: Payload) => boolean): Promise<Payload | undefined> {
      const prefix = `${this.name}:`;
      for (const key of store.keys()) {
        const payload = key.startsWith(prefix) ? live(key) : undefined;
        if (payload && predicate(payload)) return structuredClone(payload);
      }
      return undefined;
    }
  };
}
