import { hostileInputErrors, MAX_JSON_DEPTH } from './input-guards';

describe('hostileInputErrors', () => {
  it('names every field holding a control character, keys and array items included', () => {
    expect(hostileInputErrors({ name: 'ok\tfine\n', notes: ['a', 'b\u0000'], nested: { 'k\u001b': 1 } }, 'body')).toEqual(
      expect.arrayContaining([
        { field: 'notes[1]', message: 'must not contain control characters' },
        { field: 'nested.k\u001b', message: 'must not contain control characters' },
      ]),
    );
    expect(hostileInputErrors({ name: 'ok\tfine\r\n' }, 'body')).toEqual([]);
    expect(hostileInputErrors('\u007f', 'body')).toEqual([{ field: '(body)', message: 'must not contain control characters' }]);
  });

  it('allows MAX_JSON_DEPTH levels and reports deeper nesting once, without recursing', () => {
    const nest = (levels: number) => {
      let value: unknown = 1;
      for (let i = 0; i < levels; i++) value = [value];
      return value;
    };
    expect(hostileInputErrors(nest(MAX_JSON_DEPTH), 'body')).toEqual([]);
    expect(hostileInputErrors(nest(MAX_JSON_DEPTH + 1), 'body')).toHaveLength(1);
    expect(hostileInputErrors(nest(100_000), 'body')).toEqual([
      { field: '[0]'.repeat(MAX_JSON_DEPTH + 1), message: `is nested deeper than ${MAX_JSON_DEPTH} levels` },
    ]);
  });
});
