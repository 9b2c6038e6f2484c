import { container as rootContainer } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import { ConfigMapService, ErrorCode, registerCore, type Store } from '../../src/index.js';

describe('probe', () => {
  it('resolves a decorated service', () => {
    const store = {} as Store;
    const child = registerCore(rootContainer.createChildContainer(), { store });
    const svc = child.resolve(ConfigMapService);
    expect(svc).toBeInstanceOf(ConfigMapService);
    expect(ErrorCode.NotFound).toBe(1405202);
  });
});
