import { HealthRegistry } from './health.registry';
import { HealthErrorCode } from './health.types';

describe('HealthRegistry', () => {
  it('keeps the checks given at start and those registered later, in order', () => {
    const registry = new HealthRegistry({ indicators: [{ name: 'database', check: async () => undefined }] });
    registry.register({ name: 'broker', check: async () => undefined });
    expect(registry.list().map((i) => i.name)).toEqual(['database', 'broker']);
  });

  it('refuses a second check with the same name and a check without a function, with coded errors', () => {
    const registry = new HealthRegistry({ indicators: [{ name: 'database', check: async () => undefined }] });
    expect(() => registry.register({ name: 'database', check: async () => undefined })).toThrow(
      expect.objectContaining({ code: HealthErrorCode.DuplicateIndicator }),
    );
    expect(() => registry.register({ name: 'x' } as never)).toThrow(expect.objectContaining({ code: HealthErrorCode.InvalidIndicator }));
  });
});
